// The one redirect rule: every `next`, return and language link passes here, and a Location header
// is only ever built from what it returns. A target is a path on this site written in printable
// ASCII; anything a browser could read as another host (`//x`, `/\x`, a tab or newline that
// browsers drop, `/%2F/x` after decoding, a scheme) or that Node refuses in a header goes to `/`.

const MAX_LENGTH = 2048;
/** C0 and C1 controls, DEL and backslash: never in a path we redirect to, raw or decoded (a raw space neither). */
const FORBIDDEN_DECODED = /[\u0000-\u001f\u007f-\u009f\\]/;
const FORBIDDEN_RAW = /[\u0000-\u0020\u007f-\u009f\\]/;
const PRINTABLE_ASCII = /[^\u0021-\u007e]/gu;
const LONE_SURROGATE = /\p{Cs}/u;

/** Percent-encodes what is not printable ASCII (`。` → `%E3%80%82`); null for text that is not well-formed Unicode. */
function encodeNonAscii(path: string): string | null {
  if (LONE_SURROGATE.test(path)) return null;
  return path.replace(PRINTABLE_ASCII, (character) => encodeURIComponent(character));
}

/** Only a path on this site may be a redirect target, never another host: anything else is `/`. */
export function safeLocalPath(next: unknown): string {
  if (typeof next !== 'string' || next.length === 0 || next.length > MAX_LENGTH || !next.startsWith('/')) return '/';
  let decoded: string;
  try {
    decoded = decodeURIComponent(next);
  } catch {
    return '/';
  }
  if (FORBIDDEN_RAW.test(next) || FORBIDDEN_DECODED.test(decoded) || next.startsWith('//') || decoded.startsWith('//')) return '/';
  // Unicode look-alikes of / and \ (fullwidth solidus and the like) are harmless once percent-encoded.
  return encodeNonAscii(next) ?? '/';
}
