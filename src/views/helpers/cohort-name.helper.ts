import { HelperOptions } from 'handlebars';
import { isLanguage } from '../../i18n/i18n';
import { cohortNameIn as localise } from '../../i18n/cohort-name';

/** Usage: {{cohortNameIn cohortName}} — a round's name with its term and usual parts in the page's language. */
export function cohortNameIn(name: string | null | undefined, options: HelperOptions): string {
  if (typeof name !== 'string') return '';
  const lang = options.data?.root?.lang;
  return localise(name, isLanguage(lang) ? lang : 'fi');
}
