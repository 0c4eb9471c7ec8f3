// What the sign-up and sign-in pages show (auth.controller.ts), with a refused form's input kept
// (never the password).
import { LANGUAGE_NAMES, LANGUAGES, Language, translate } from '../i18n/i18n';
import { AgencyView } from '../identity/agency.service';
import { FieldMessages } from '../web/forms';

export function registerPage(agencies: AgencyView[], lang: Language, form: Record<string, unknown>, errors: FieldMessages | null) {
  return {
    title: translate(lang, 'accounts.register.title'),
    form,
    errors,
    agencies: agencies.map((a) => ({ ...a, selected: a.id === form.agencyId })),
    languageOptions: LANGUAGES.map((code) => ({ code, name: LANGUAGE_NAMES[code], selected: code === (form.language || lang) })),
  };
}

/** `next`: where signing in leads; `extra`: the messages of a refused attempt. */
export function loginPage(lang: Language, next: string, form: { email?: string }, extra: { errors?: FieldMessages; error?: string } = {}) {
  return { title: translate(lang, 'accounts.login.title'), next, form, ...extra };
}
