import { HelperOptions } from 'handlebars';
import { formatDate as format, DateStyle } from '../../i18n/dates';
import { isLanguage } from '../../i18n/i18n';

/** Usage: {{formatDate startsAt style="dateTime"}} — a timestamp in Helsinki time, in the page's language. */
export function formatDate(value: Date | string | null | undefined, options: HelperOptions): string {
  if (value === null || value === undefined || value === '') return '';
  const lang = options.data?.root?.lang;
  const style = (options.hash?.style as DateStyle | undefined) ?? 'date';
  return format(new Date(value), isLanguage(lang) ? lang : 'fi', style);
}
