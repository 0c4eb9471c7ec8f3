// View models and response headers for files.
import { translate, Language } from '../i18n/i18n';
import { IMAGE_TYPES, INLINE_TYPES } from './file-content';
import { etagOf } from './byte-ranges';
import { DownloadableFile } from './files.service';
import { StoredFile } from './stored-file.entity';

/** A size as people read it, in the page's language: 820 kB, 4,2 MB. */
export function formatSize(bytes: number, lang: Language): string {
  const locale = lang === 'en' ? 'en-GB' : `${lang}-FI`;
  if (bytes < 1024 * 1024) return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(Math.max(1, Math.round(bytes / 1024)))} kB`;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(bytes / (1024 * 1024))} MB`;
}

export function uploadsPage(lang: Language, files: StoredFile[], maxMegabytes: number) {
  return {
    title: translate(lang, 'files.title'),
    limit: translate(lang, 'files.form.limit', { max: maxMegabytes }),
    files: files.map((file) => ({
      href: `/files/${file.id}`,
      name: file.originalName,
      size: formatSize(file.size, lang),
      createdAt: file.createdAt,
      thumbnail: file.thumbnailSha256 ? `/files/${file.id}/thumbnail` : null,
    })),
  };
}

/** An ASCII stand-in for the name (for old clients), and the real one as RFC 5987's filename*. */
function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.normalize('NFKD').replace(/[^\x20-\x7e]/g, '').replace(/["\\;%]/g, '_').trim() || 'file';
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * A file never runs as a page of the site: no script, no connection, nothing of ours around it. An
 * image shown alone needs its own inline style (the browser's image page); a PDF is drawn by the
 * browser's own viewer, which browsers refuse to start in a sandboxed document (Chromium shows a
 * "blocked" page), so a PDF is not sandboxed but still may load nothing and run no script of ours.
 */
const CONTENT_SECURITY_POLICY = {
  image: "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
  pdf: "default-src 'none'; object-src 'self'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'; form-action 'none'; base-uri 'none'",
  other: "sandbox; default-src 'none'",
} as const;

/**
 * Headers that keep a file from acting as a page of the site: its content type as read at upload,
 * nosniff, a sandboxing CSP (a PDF viewer and an image need only their own styles and image), a
 * download for everything but images and PDFs, and never a shared cache. A browser keeps its copy
 * but asks each time (the ETag answers 304), so access is checked on every use.
 */
export function downloadHeaders(download: DownloadableFile): Record<string, string> {
  const inline = INLINE_TYPES.has(download.mimeType);
  const text = download.mimeType.startsWith('text/');
  return {
    'content-type': text ? `${download.mimeType}; charset=utf-8` : download.mimeType,
    'content-length': String(download.size),
    'content-disposition': contentDisposition(inline ? 'inline' : 'attachment', download.name),
    'x-content-type-options': 'nosniff',
    'content-security-policy': CONTENT_SECURITY_POLICY[download.mimeType === 'application/pdf' ? 'pdf' : IMAGE_TYPES.has(download.mimeType) ? 'image' : 'other'],
    'cache-control': 'private, max-age=0, must-revalidate',
    etag: etagOf(download.sha256),
    'accept-ranges': 'bytes',
    'cross-origin-resource-policy': 'same-origin',
  };
}
