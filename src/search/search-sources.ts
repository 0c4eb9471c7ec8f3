// The kinds of things search finds, each from the area that owns it: forums register posts,
// catalogue programmes and rounds, calendar network events, materials and the toolkit theirs
// (onModuleInit), as page sections are registered (web/page-sections.ts). Search sits below them
// all and so never imports them; each source applies its own area's rule of who may see what.
import { Injectable } from '@nestjs/common';
import type { Actor } from '../access/capabilities';
import type { Language } from '../i18n/i18n';
import { decodeCursor, encodeCursor } from '../web/api/cursor';
import type { LearnedText, SearchVocabulary, TypedWords } from './search-vocabulary.service';

export const SEARCH_KINDS = ['post', 'programme', 'round', 'event', 'material', 'toolkit'] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

/** Narrowing a search. Each set filter must be one the source supports, or the source is left out (a channel: posts only). */
export interface SearchFilters {
  kind?: SearchKind;
  channelId?: string;
  programmeId?: string;
  authorId?: string;
  /** Created (a post) or taking place (an event, a round) on or after. */
  from?: Date;
  /** … and before the end of this day. */
  to?: Date;
}

export type SearchFilter = Exclude<keyof SearchFilters, 'kind'>;

export interface SearchRequest {
  /** Who searches; null: a guest (/search is public), who is shown only what anyone may see. */
  actor: Actor | null;
  /** What was typed: trimmed, at most MAX_QUERY_LENGTH, with at least one word (search.service.ts checks). */
  typed: string;
  /** Voikko's analyses of its words (SearchVocabulary.analyseTyped); give queryParameter(request) to typedQueries. */
  analysed: TypedWords;
  lang: Language;
  filters: SearchFilters;
  limit: number;
  /** The source's own cursor from an earlier page's nextCursor. */
  cursor?: string | null;
}

/** One thing found, ready to show. */
export interface Found {
  kind: SearchKind;
  id: string;
  /** In the reader's language. */
  title: string;
  /** Where it is: the post itself (its thread's page, #post-id), the programme's page… */
  url: string;
  /** HTML: escaped plain text with the matched words in <mark> (search/snippet.ts markedSnippet). */
  snippetHtml: string;
  /** Where it belongs, in the reader's language: the channel, the programme, the round… ; null: nothing to add. */
  context: string | null;
  authorName?: string | null;
  /** When it was written, or when it takes place. */
  date: Date | null;
  /** Higher first: tier (3 as written, 2 base form, 1 compound part) plus cover density below 1. */
  rank: number;
}

export interface FoundPage {
  items: Found[];
  nextCursor: string | null;
}

export interface SearchSource {
  kind: SearchKind;
  /** The filters this kind applies. */
  filters: readonly SearchFilter[];
  /** What the reader may see that matches, best first. */
  search(request: SearchRequest): Promise<FoundPage>;
  /**
   * Rebuilds the search vectors of up to `size` rows after id `after` (in id order), their words
   * learned first (SearchVocabulary.learn); returns the last id done, or null when none were left.
   */
  reindexBatch(after: string | null, size: number): Promise<string | null>;
}

/** Where a source's page starts: after the (rank, id) its previous page's nextCursor holds; null: from the best. */
export function rankCursor(request: SearchRequest): [number, string] | null {
  return request.cursor ? (decodeCursor(request.cursor, ['rank', 'uuid']) as [number, string]) : null;
}

/** A source's page of `items` fetched as limit + 1 (`fetched` rows): a cursor after the last shown when there were more. */
export function pageOf(items: Found[], fetched: number, limit: number): FoundPage {
  const shown = items.slice(0, limit);
  const last = shown[shown.length - 1];
  return { items: shown, nextCursor: fetched > limit && last ? encodeCursor([last.rank, last.id]) : null };
}

/**
 * One reindexBatch step over `rows` (a batch in id order): their texts' words learned first, then
 * `rebuild` sets their vectors from their owner's SQL function; the last id, or null for no rows.
 */
export async function rebuildBatch<Row extends { id: string }>(
  vocabulary: SearchVocabulary,
  rows: Row[],
  texts: (row: Row) => LearnedText[],
  rebuild: (ids: string[]) => Promise<unknown>,
): Promise<string | null> {
  if (rows.length === 0) return null;
  await vocabulary.learn(rows.flatMap(texts));
  await rebuild(rows.map((row) => row.id));
  return rows[rows.length - 1].id;
}

@Injectable()
export class SearchSources {
  private readonly sources = new Map<SearchKind, SearchSource>();

  register(source: SearchSource): void {
    this.sources.set(source.kind, source);
  }

  /** In SEARCH_KINDS order, the order results are grouped in. */
  all(): SearchSource[] {
    return SEARCH_KINDS.flatMap((kind) => this.sources.get(kind) ?? []);
  }
}
