import { HelperOptions } from 'handlebars';
import { isLanguage, translate } from '../../i18n/i18n';

/** Usage: {{t "programme.updated" date=(formatDate updatedAt)}} — the UI string in the page's language. */
export function t(key: string, options: HelperOptions): string {
  const lang = options.data?.root?.lang;
  return translate(isLanguage(lang) ? lang : 'fi', key, options.hash);
}
