// Cursor pagination for lists that grow: the cursor is the sort key of the last item served, so a
// page never repeats or skips an item when others are added meanwhile (as OFFSET would). It is
// opaque to clients: base64url of a JSON array, checked on the way back in.
import { FieldErrors, isUuid } from '../../errors/domain-errors';

/**
 * What each part of a sort key must be; a cursor whose parts are not is refused before it reaches
 * SQL, checked as strictly as PostgreSQL will read it: `int` fits an integer column, `rank` is a
 * float8, `instant` is an ISO instant that exists (no 30 February) between 2000 and 2100.
 */
export type CursorPart = 'int' | 'rank' | 'string' | 'uuid' | 'instant';

const INT4_MIN = -2147483648;
const INT4_MAX = 2147483647;
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?Z$/;

/** An instant written as the app writes them (UTC, up to microseconds) that is a real moment in 2000–2100. */
export function isStrictInstant(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const parts = INSTANT.exec(value);
  if (!parts) return false;
  const [year, month, day, hour, minute, second] = parts.slice(1, 7).map(Number);
  if (year < 2000 || year > 2100 || hour > 23 || minute > 59 || second > 59) return false;
  // Date.UTC rolls 30 February over into March: the instant exists only if it comes back the same.
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const PART_CHECKS: Record<CursorPart, (value: unknown) => boolean> = {
  int: (value) => Number.isInteger(value) && (value as number) >= INT4_MIN && (value as number) <= INT4_MAX,
  rank: (value) => typeof value === 'number' && Number.isFinite(value),
  string: (value) => typeof value === 'string' && value.length <= 1000 && !/[\u0000\p{Cs}]/u.test(value),
  uuid: isUuid,
  instant: isStrictInstant,
};

export function encodeCursor(key: (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The sort key inside a cursor; anything that is not one we made is a field message. */
export function decodeCursor(cursor: string, shape: CursorPart[]): (string | number)[] {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === shape.length && key.every((part, i) => PART_CHECKS[shape[i]](part))) return key as (string | number)[];
  } catch {
    // Not JSON: refused below like any other cursor we did not make.
  }
  throw new FieldErrors({ cursor: 'api.cursor.invalid' });
}

export interface Page<T> {
  items: T[];
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

/** Cuts a result fetched with limit + 1 rows into a page and the cursor to the rest. */
export function pageOf<T>(rows: T[], limit: number, keyOf: (row: T) => (string | number)[]): Page<T> {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? encodeCursor(keyOf(items[items.length - 1])) : null };
}
