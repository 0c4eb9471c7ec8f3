import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Language } from '../i18n/i18n';
import { finnishSnippet, MARK_START, MARK_STOP, stemmedSnippet, typedQueries } from './search-sql';

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

/** A text to make a snippet of: plain text (Markdown already removed) in its language. */
export interface SnippetText {
  language: Language;
  text: string;
}

@Injectable()
export class SearchSnippets {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Each text's snippet as HTML, in the order given, with the words where the query (`parameter`:
   * queryParameter's) matched marked: a Finnish text's from its own vector, built here (kädessä
   * marked for käsi), a Swedish or English one's by its stemmer. For the short texts of programmes,
   * events, materials and the toolkit; a post's snippet uses its stored vector (ForumSearchService).
   */
  async of(parameter: string, texts: SnippetText[]): Promise<string[]> {
    if (texts.length === 0) return [];
    const rows: { snippet: string }[] = await this.dataSource.query(
      `WITH q AS (${typedQueries('$1')})
       SELECT CASE h.language WHEN 'sv' THEN ${stemmedSnippet('swedish', 'h.text')} WHEN 'en' THEN ${stemmedSnippet('english', 'h.text')}
                              ELSE ${finnishSnippet('search_vector_fi(h.text)', 'h.text')} END AS snippet
       FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS h(language, text, n), q
       ORDER BY h.n`,
      [parameter, texts.map((text) => text.language), texts.map((text) => headlineText(text.text))],
    );
    return rows.map((row) => markedSnippet(row.snippet));
  }
}
