// Days a coaching session should not fall on in Finland: weekends, the public holidays, and
// Midsummer Eve and Christmas Eve, which are not statutory but on which nobody works.
import { LocalDateTime } from '../i18n/helsinki-time';

/** Easter Sunday (Gregorian; the anonymous algorithm) as [month 1–12, day]. */
function easterSunday(year: number): [number, number] {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return [month, day];
}

const key = (date: Date) => date.toISOString().slice(0, 10);
const utcDay = (year: number, month: number, day: number) => new Date(Date.UTC(year, month - 1, day));

/** The first date on or after `from` that falls on `weekday` (0 = Sunday). */
function firstWeekdayFrom(from: Date, weekday: number): Date {
  return new Date(from.getTime() + (((weekday - from.getUTCDay() + 7) % 7) * 86_400_000));
}

const cache = new Map<number, Map<string, HolidayName>>();

/** The holidays' names (i18n keys `holiday.<name>`). */
export type HolidayName =
  | 'newYear'
  | 'epiphany'
  | 'goodFriday'
  | 'easter'
  | 'easterMonday'
  | 'mayDay'
  | 'ascension'
  | 'whitsun'
  | 'midsummerEve'
  | 'midsummer'
  | 'allSaints'
  | 'independence'
  | 'christmasEve'
  | 'christmas'
  | 'boxingDay';

/** The year's holidays, "YYYY-MM-DD" to name. */
function holidaysOf(year: number): Map<string, HolidayName> {
  const known = cache.get(year);
  if (known) return known;
  const [em, ed] = easterSunday(year);
  const easter = utcDay(year, em, ed);
  const fromEaster = (days: number) => new Date(easter.getTime() + days * 86_400_000);
  const days: [Date, HolidayName][] = [
    [utcDay(year, 1, 1), 'newYear'],
    [utcDay(year, 1, 6), 'epiphany'],
    [fromEaster(-2), 'goodFriday'],
    [easter, 'easter'],
    [fromEaster(1), 'easterMonday'],
    [utcDay(year, 5, 1), 'mayDay'],
    [fromEaster(39), 'ascension'],
    [fromEaster(49), 'whitsun'],
    [firstWeekdayFrom(utcDay(year, 6, 19), 5), 'midsummerEve'],
    [firstWeekdayFrom(utcDay(year, 6, 20), 6), 'midsummer'],
    [firstWeekdayFrom(utcDay(year, 10, 31), 6), 'allSaints'],
    [utcDay(year, 12, 6), 'independence'],
    [utcDay(year, 12, 24), 'christmasEve'],
    [utcDay(year, 12, 25), 'christmas'],
    [utcDay(year, 12, 26), 'boxingDay'],
  ];
  const names = new Map(days.map(([date, name]) => [key(date), name]));
  cache.set(year, names);
  return names;
}

/** The year's holidays as "YYYY-MM-DD". */
export function finnishHolidays(year: number): Set<string> {
  return new Set(holidaysOf(year).keys());
}

/** Why a Helsinki date is a day off: the holiday's name, or the weekend (0 = Sunday, 6 = Saturday); null on a working day. */
export function dayOffOf(local: Pick<LocalDateTime, 'year' | 'month' | 'day'>): { holiday: HolidayName } | { weekday: 0 | 6 } | null {
  const date = utcDay(local.year, local.month, local.day);
  const holiday = holidaysOf(local.year).get(key(date));
  if (holiday) return { holiday };
  const weekday = date.getUTCDay();
  return weekday === 0 || weekday === 6 ? { weekday } : null;
}

/** Whether a Helsinki date is a weekend day or a holiday. */
export function isDayOff(local: Pick<LocalDateTime, 'year' | 'month' | 'day'>): boolean {
  const date = utcDay(local.year, local.month, local.day);
  const weekday = date.getUTCDay();
  return weekday === 0 || weekday === 6 || holidaysOf(local.year).has(key(date));
}
