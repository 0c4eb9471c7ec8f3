// The one place that names who wrote a post or a thread (or moderated one), on pages, in the API,
// in search and in mail. An erased account keeps its row with an empty name, and a row may be gone
// altogether: both read "Deleted user", never a blank.
import { Language, translate } from '../i18n/i18n';

export function authorName(name: string | null | undefined, lang: Language): string {
  return name?.trim() ? name : translate(lang, 'accounts.deletedUser');
}
