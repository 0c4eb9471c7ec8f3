// What may be uploaded, judged by the bytes and never by the name alone: the type file-type reads
// from the first bytes must be one of ALLOWED; text has no signature, so it is taken only when the
// name says .txt, .csv or .md and the whole content is UTF-8 without NUL and does not begin like
// markup. A declared type or name extension that names another type than the content is refused,
// so a renamed file is caught whichever way it was renamed.
import { extname } from 'node:path';
import { withValues, FieldErrors } from '../errors/domain-errors';

/** Allowed types (as file-type names them) and the extensions that name each. */
const ALLOWED: Record<string, string[]> = {
  'application/pdf': ['.pdf'],
  'image/png': ['.png'],
  'image/jpeg': ['.jpg', '.jpeg', '.jfif'],
  'image/gif': ['.gif'],
  'image/webp': ['.webp'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['.docx'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['.xlsx'],
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': ['.pptx'],
  'application/vnd.oasis.opendocument.text': ['.odt'],
  'application/vnd.oasis.opendocument.spreadsheet': ['.ods'],
  'application/vnd.oasis.opendocument.presentation': ['.odp'],
  'text/plain': ['.txt'],
  'text/csv': ['.csv'],
  'text/markdown': ['.md'],
};

const TEXT_BY_EXTENSION: Record<string, string> = { '.txt': 'text/plain', '.csv': 'text/csv', '.md': 'text/markdown' };

/** Other names browsers give the same types (Windows calls CSV an Excel file). */
const DECLARED_ALIASES: Record<string, string[]> = {
  'image/jpeg': ['image/jpg', 'image/pjpeg'],
  'text/csv': ['application/vnd.ms-excel', 'text/plain', 'application/csv', 'text/comma-separated-values'],
  'text/markdown': ['text/plain', 'text/x-markdown'],
  'image/png': ['image/x-png'],
};

/** Said by a browser that does not know the type: no claim to check. */
const NO_CLAIM = new Set(['', 'application/octet-stream', 'binary/octet-stream']);

export const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
/** Shown in the browser (inline); everything else is downloaded. */
export const INLINE_TYPES = new Set([...IMAGE_TYPES, 'application/pdf']);

/** How many first bytes are read before judging the type: enough for file-type to see into an Office zip. */
export const SNIFF_BYTES = 256 * 1024;

const MARKUP_START = /^(?:\ufeff)?\s*<(?:!doctype|html|head|body|script|iframe|svg|\?xml|!--|style|title|div|table|a\s|p>|br|meta|object|embed)/i;

const refuse = (key: string, values?: Record<string, string | number>) => new FieldErrors({ file: values ? withValues(key, values) : key });

export function extensionOf(name: string): string {
  return extname(name).toLowerCase();
}

/**
 * The type of the content from its first bytes (`detected`: file-type's answer), or a refusal.
 * Text is confirmed to the end by TextCheck.
 */
export function judgeType(detected: string | undefined, head: Buffer, name: string, declaredType: string): string {
  const extension = extensionOf(name);
  let type: string;
  if (detected) {
    if (!ALLOWED[detected]) throw refuse('files.type.notAllowed', { found: detected });
    type = detected;
  } else {
    const textType = TEXT_BY_EXTENSION[extension];
    if (!textType) throw refuse('files.type.unknown');
    if (head.includes(0) || MARKUP_START.test(head.subarray(0, 1024).toString('utf8'))) throw refuse('files.type.notText');
    type = textType;
  }
  const declared = declaredType.split(';')[0].trim().toLowerCase();
  if (!NO_CLAIM.has(declared) && declared !== type && !(DECLARED_ALIASES[type] ?? []).includes(declared)) {
    throw refuse('files.type.mismatch', { declared, found: type });
  }
  // A name ending in another allowed type's extension (a PNG called report.pdf): the name lies.
  const named = Object.entries(ALLOWED).find(([, extensions]) => extensions.includes(extension))?.[0];
  if (named && named !== type) {
    throw refuse('files.type.nameMismatch', { extension, found: type });
  }
  return type;
}

/** Checks text piece by piece as it streams: UTF-8 throughout (across piece boundaries) and no NUL. */
export class TextCheck {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  push(piece: Buffer): void {
    if (piece.includes(0)) throw refuse('files.type.notText');
    try {
      this.decoder.decode(piece, { stream: true });
    } catch {
      throw refuse('files.type.notText');
    }
  }

  end(): void {
    try {
      this.decoder.decode();
    } catch {
      throw refuse('files.type.notText');
    }
  }
}

const CONTROL_OR_BIDI = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
export const MAX_NAME_LENGTH = 200;

/**
 * A name safe to keep and to send back: its last path part only (a browser on Windows may send
 * C:\fakepath\…), NFC, no control or direction characters, no leading dots, at most 200 characters
 * with the extension kept. Refused when nothing is left of it.
 */
export function safeFileName(declared: string): string {
  const lastPart = declared.split(/[\\/]/).pop() ?? '';
  let name = lastPart.normalize('NFC').replace(CONTROL_OR_BIDI, '').trim().replace(/^\.+/, '');
  if (name === '') throw refuse('files.name.empty');
  const characters = [...name];
  if (characters.length > MAX_NAME_LENGTH) {
    const extension = extensionOf(name);
    const keep = [...extension].length <= 16 ? extension : '';
    name = characters.slice(0, MAX_NAME_LENGTH - [...keep].length).join('') + keep;
  }
  return name;
}
