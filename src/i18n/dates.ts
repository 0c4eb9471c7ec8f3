// Dates are stored as timestamptz (UTC instants) and always shown in Europe/Helsinki, whatever the
// server's own time zone, in the reader's language.
import { Language, LOCALES } from './i18n';

export const DISPLAY_TIME_ZONE = 'Europe/Helsinki';
export type DateStyle = 'date' | 'dateTime' | 'time' | 'longDate';

const STYLES: Record<DateStyle, Intl.DateTimeFormatOptions> = {
  date: { day: 'numeric', month: 'numeric', year: 'numeric' },
  longDate: { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' },
  dateTime: { day: 'numeric', month: 'numeric', year: 'numeric', hour: '2-digit', minute: '2-digit' },
  time: { hour: '2-digit', minute: '2-digit' },
};

const formatters = new Map<string, Intl.DateTimeFormat>();
/** Intl's formatting is slow next to a lookup, and a session's time is written into each of its many reminders. */
const formatted = new Map<string, string>();

export function formatDate(date: Date, lang: Language, style: DateStyle = 'date'): string {
  const time = date.getTime();
  if (Number.isNaN(time)) return '';
  const key = `${lang}:${style}`;
  const cached = formatted.get(`${key}:${time}`);
  if (cached !== undefined) return cached;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(LOCALES[lang], { ...STYLES[style], timeZone: DISPLAY_TIME_ZONE });
    formatters.set(key, formatter);
  }
  const text = formatter.format(date);
  if (formatted.size >= 10_000) formatted.clear();
  formatted.set(`${key}:${time}`, text);
  return text;
}
