// Owns the UI languages: Finnish first, then Swedish and English. Strings live in
// messages/<language>/<area>.json (one file per area of the app), keyed alike in every language; a
// key missing in sv or en falls back to Finnish, and a test keeps the files in step.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../paths';

export const LANGUAGES = ['fi', 'sv', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'fi';
export const LANGUAGE_COOKIE = 'lang';

/** BCP 47 locales for dates and numbers: Swedish as written in Finland. */
export const LOCALES: Record<Language, string> = { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB' };
/** Each language's own name, for the switcher. */
export const LANGUAGE_NAMES: Record<Language, string> = { fi: 'Suomi', sv: 'Svenska', en: 'English' };

export const MESSAGES_DIR = join(PROJECT_ROOT, 'src', 'i18n', 'messages');

/** One language's strings, from all its area files; a key defined twice is a mistake worth stopping for. */
export function loadMessages(lang: Language, dir = MESSAGES_DIR): Record<string, string> {
  const messages: Record<string, string> = {};
  for (const file of readdirSync(join(dir, lang)).filter((name) => name.endsWith('.json')).sort()) {
    const area = JSON.parse(readFileSync(join(dir, lang, file), 'utf8')) as Record<string, string>;
    for (const [key, text] of Object.entries(area)) {
      if (key in messages) throw new Error(`UI string "${key}" is defined twice (${lang}/${file})`);
      messages[key] = text;
    }
  }
  return messages;
}

export const MESSAGES: Record<Language, Record<string, string>> = { fi: loadMessages('fi'), sv: loadMessages('sv'), en: loadMessages('en') };

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** `translate('fi', 'programme.updated', { date })` fills {placeholders}; unknown keys show as themselves. */
export function translate(lang: Language, key: string, vars: Record<string, unknown> = {}): string {
  const template = MESSAGES[lang][key] ?? MESSAGES.fi[key] ?? key;
  // Most messages have no placeholder, and pages translate dozens of them.
  if (!template.includes('{')) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** The user's choice (cookie) wins; else the best supported Accept-Language; else Finnish. */
export function negotiateLanguage(cookie: string | undefined, acceptLanguage: string | undefined): Language {
  if (isLanguage(cookie)) return cookie;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const quality = q ? Number(q.slice(2)) : 1;
      return { primary: tag.trim().toLowerCase().split('-')[0], quality: Number.isFinite(quality) ? quality : 0, index };
    })
    .filter((entry) => entry.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  return ranked.map((entry) => entry.primary).find(isLanguage) ?? DEFAULT_LANGUAGE;
}

/** Text kept per language with Finnish required: the other languages fall back to Finnish. */
export interface LocalizedText {
  fi: string;
  sv?: string;
  en?: string;
}

export function localized(text: LocalizedText, lang: Language): string {
  return text[lang] || text.fi;
}
