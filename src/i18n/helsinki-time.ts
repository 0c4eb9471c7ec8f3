// Wall-clock time in Europe/Helsinki, whatever the server's own zone: turning what a person typed
// ("16.3.2027 klo 9.00") into an instant and back, and moving a time by weeks or months so that
// 9:00 stays 9:00 across a daylight-saving change.
import { DISPLAY_TIME_ZONE } from './dates';

/** A Helsinki calendar date and time of day; month 1–12. */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: DISPLAY_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
});

const HOUR = 3_600_000;
/** Helsinki's offset from UTC (ms) by UTC hour: it only ever changes on a whole UTC hour. */
const offsets = new Map<number, number>();

/** Helsinki's offset from UTC at an instant; Intl asked once per hour (a calendar feed asks hundreds of times). */
function offsetAt(instant: Date): number {
  const hour = Math.floor(instant.getTime() / HOUR);
  let offset = offsets.get(hour);
  if (offset === undefined) {
    const found: Record<string, number> = {};
    for (const part of parts.formatToParts(new Date(hour * HOUR))) if (part.type !== 'literal') found[part.type] = Number(part.value);
    offset = Date.UTC(found.year, found.month - 1, found.day, found.hour, found.minute) - hour * HOUR;
    if (offsets.size >= 100_000) offsets.clear();
    offsets.set(hour, offset);
  }
  return offset;
}

export function toHelsinki(instant: Date): LocalDateTime {
  const wall = new Date(instant.getTime() + offsetAt(instant));
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate(), hour: wall.getUTCHours(), minute: wall.getUTCMinutes() };
}

function asUtc(local: LocalDateTime): number {
  return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
}

/**
 * The instant Helsinki clocks show `local`. In the hour skipped in spring the time is read as after
 * the change (3:30 → 4:30); in the hour repeated in autumn, the first of the two.
 */
export function fromHelsinki(local: LocalDateTime): Date {
  const wanted = asUtc(local);
  // Helsinki is UTC+2 or UTC+3: try both offsets, keep the one whose clock reads what was asked.
  for (const offsetHours of [3, 2]) {
    const candidate = new Date(wanted - offsetHours * 3_600_000);
    if (asUtc(toHelsinki(candidate)) === wanted) return candidate;
  }
  return new Date(wanted - 2 * 3_600_000);
}

/** "2027-03-16" and "09:00" (as an HTML date and time input send them) → the instant, or null. */
export function parseHelsinki(date: string, time: string): Date | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.trim());
  const t = /^(\d{1,2})[:.](\d{2})$/.exec(time.trim());
  if (!d || !t) return null;
  const local = { year: +d[1], month: +d[2], day: +d[3], hour: +t[1], minute: +t[2] };
  if (local.month < 1 || local.month > 12 || local.hour > 23 || local.minute > 59) return null;
  // 31.2. is no date: the calendar must give back the same day.
  const check = new Date(Date.UTC(local.year, local.month - 1, local.day));
  if (check.getUTCDate() !== local.day || check.getUTCMonth() !== local.month - 1) return null;
  return fromHelsinki(local);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The values an HTML date and time input show for an instant: ["2027-03-16", "09:00"]. */
export function formatHelsinkiInput(instant: Date): { date: string; time: string } {
  const l = toHelsinki(instant);
  return { date: `${l.year}-${pad(l.month)}-${pad(l.day)}`, time: `${pad(l.hour)}:${pad(l.minute)}` };
}

export type ShiftUnit = 'weeks' | 'months';

/**
 * The same Helsinki time of day, `amount` weeks or months later (earlier when negative). A month
 * shift that lands past the end of a month stops at its last day (31.1. + 1 month → 28.2.).
 */
export function shiftInHelsinki(instant: Date, amount: number, unit: ShiftUnit): Date {
  const local = toHelsinki(instant);
  if (unit === 'weeks') {
    const day = new Date(Date.UTC(local.year, local.month - 1, local.day + amount * 7));
    return fromHelsinki({ ...local, year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate() });
  }
  const monthIndex = local.year * 12 + (local.month - 1) + amount;
  const year = Math.floor(monthIndex / 12);
  const month = (monthIndex % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return fromHelsinki({ ...local, year, month, day: Math.min(local.day, lastDay) });
}

/** The same Helsinki time of day, `days` calendar days later. */
export function addHelsinkiDays(instant: Date, days: number): Date {
  const local = toHelsinki(instant);
  const day = new Date(Date.UTC(local.year, local.month - 1, local.day + days));
  return fromHelsinki({ ...local, year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate() });
}

/** The Helsinki calendar date of an instant, as YYYY-MM-DD (for keys and file names). */
export function helsinkiDate(instant: Date): string {
  const { year, month, day } = toHelsinki(instant);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
