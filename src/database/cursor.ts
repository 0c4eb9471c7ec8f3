// Cursor pagination for lists that grow: the cursor is the sort key of the last item served, so a
// page never repeats or skips an item when others are added meanwhile (as OFFSET would). It is
// opaque to clients: base64url of a JSON array, checked on the way back in.
import { FieldErrors, isUuid } from '../errors/domain-errors';

/** What each part of a sort key must be; a cursor whose parts are not is refused. */
export type CursorPart = 'number' | 'string' | 'uuid' | 'instant';

const PART_CHECKS: Record<CursorPart, (value: unknown) => boolean> = {
  number: (value) => typeof value === 'number' && Number.isFinite(value),
  string: (value) => typeof value === 'string',
  uuid: isUuid,
  instant: (value) => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(value) && !Number.isNaN(Date.parse(value)),
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
