import { MARK_START, MARK_STOP } from './search-sql';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for ts_headline: the marks' control characters can only come from it, never from the text. */
export function headlineText(text: string): string {
  return text.replace(/[\u0001\u0002]/g, '').replace(/\s+/g, ' ');
}

/** The snippet as HTML: everything escaped, then the match marks turned into <mark>. */
export function markedSnippet(snippet: string): string {
  return snippet
    .replace(/[&<>"']/g, (c) => ESCAPES[c])
    .replaceAll(MARK_START, '<mark>')
    .replaceAll(MARK_STOP, '</mark>');
}
