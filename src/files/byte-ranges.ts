// HTTP's Range and If-None-Match for /files/:id (RFC 9110 §14, §13.1.2): one range of a file, so a
// PDF viewer can fetch the page it shows and a cut download can resume; a file a browser already has
// answered 304. Several ranges in one request (a multipart/byteranges answer) are not worth their
// weight here: such a request gets the whole file, which the RFC allows.
import { ByteRange } from './file-store';

/**
 * What a Range header asks of a content of `size` bytes: one range within it, the whole content
 * (no header, another unit, several ranges, or a header that does not parse: RFC 9110 says to ignore
 * it), or nothing it can give (416).
 */
export function requestedRange(header: string | undefined, size: number): ByteRange | 'whole' | 'unsatisfiable' {
  if (!header) return 'whole';
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match || (match[1] === '' && match[2] === '')) return 'whole';
  if (match[1] === '') {
    // The last n bytes.
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? Infinity : Number(match[2]);
  if (end < start) return 'whole';
  if (start >= size) return 'unsatisfiable';
  return { start, end: Math.min(end, size - 1) };
}

/** The ETag of a content named by its SHA-256: strong, as the bytes behind an id never change. */
export function etagOf(sha256: string): string {
  return `"${sha256}"`;
}

/** Whether an If-None-Match header names `etag` (or is `*`); weak tags compare by their value, as the RFC says for this header. */
export function noneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/** Whether a Range may be served under an If-Range header: only when it names this very content (a date is not exact enough). */
export function ifRangeHolds(header: string | undefined, etag: string): boolean {
  return header === undefined || header.trim() === etag;
}
