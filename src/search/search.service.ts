// The one search over every kind of thing the areas register (search-sources.ts): what was typed
// and the filters checked here, once, for the page and the API alike; then each source that
// applies every filter given is asked in parallel, and their answers come back grouped by kind in
// SEARCH_KINDS order. Who may see what is each source's own rule: a guest (actor null) is shown
// only what anyone may see.
//
// What was typed reaches PostgreSQL only as a parameter of the sources' tsquery functions, which
// take any text; it is cleaned first of what PostgreSQL refuses in text at all (NUL, a lone
// surrogate) and must hold at least one word, so "&|!():*" is a message to the reader, not an
// empty result or a tsquery syntax error.
import { Injectable } from '@nestjs/common';
import type { Actor } from '../access/capabilities';
import { FieldErrors, isUuid, withValues } from '../errors/domain-errors';
import type { Language } from '../i18n/i18n';
import { parseHelsinki } from '../i18n/helsinki-time';
import { Found, SEARCH_KINDS, SearchFilter, SearchFilters, SearchKind, SearchSource, SearchSources } from './search-sources';
import { SearchVocabulary, sendable } from './search-vocabulary.service';

export const MAX_QUERY_LENGTH = 200;
/** Each kind's best few when every kind is shown; "show more" leads to the kind's own pages. */
export const PER_KIND_ON_ALL = 5;
/** A page of one kind, when a kind is chosen. */
export const PER_KIND_PAGE = 20;
export const MAX_PER_KIND = 100;

/** The filters as they arrive from a form or a query string: text, '' or missing for none. */
export interface RawSearchFilters {
  kind?: unknown;
  channel?: unknown;
  programme?: unknown;
  author?: unknown;
  from?: unknown;
  to?: unknown;
}

export interface SearchGroup {
  kind: SearchKind;
  items: Found[];
  /** The next page of this kind (with `kind` chosen), or null when there is no more. */
  nextCursor: string | null;
}

export interface SearchAnswer {
  /** What was searched for, as cleaned and trimmed. */
  typed: string;
  /** Only kinds with something found, in SEARCH_KINDS order. */
  groups: SearchGroup[];
  /** Nothing found, and this spelling finds something: Voikko's correction of what was typed. */
  didYouMean: string | null;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Which SearchFilters field each filter's parameter sets. */
const FILTER_OF: Record<'channel' | 'programme' | 'author', SearchFilter> = { channel: 'channelId', programme: 'programmeId', author: 'authorId' };

@Injectable()
export class SearchService {
  constructor(
    private readonly sources: SearchSources,
    private readonly vocabulary: SearchVocabulary,
  ) {}

  /**
   * What `actor` may see that matches `rawQuery`, grouped by kind. `cursor` (a group's nextCursor)
   * pages one chosen kind; `limit` is per kind (default 5 for every kind, 20 for one chosen).
   * Refuses what was typed or filtered with FieldErrors, one message per field at fault.
   */
  async search(actor: Actor | null, rawQuery: unknown, lang: Language, rawFilters: RawSearchFilters, cursor?: string | null, limit?: number): Promise<SearchAnswer> {
    const fields: Record<string, string> = {};
    const typed = typedQuery(rawQuery, fields);
    const filters = filtersOf(rawFilters, fields);
    if (cursor && !filters.kind) fields.cursor = 'search.error.cursorWithoutKind';
    if (Object.keys(fields).length > 0) throw new FieldErrors(fields);

    const perKind = Math.min(Math.max(Math.trunc(limit ?? (filters.kind ? PER_KIND_PAGE : PER_KIND_ON_ALL)), 1), MAX_PER_KIND);
    const asked = this.sourcesFor(filters);
    // The words typed are analysed as a text's are ("kehittäjä" is looked for in its base form
    // too), here and not stored: a search writes nothing.
    const analysed = this.vocabulary.analyseTyped(typed);
    const groups = await this.groups(asked, { actor, typed, analysed, lang, filters, limit: perKind, cursor: cursor || null });
    let didYouMean: string | null = null;
    if (groups.length === 0 && !cursor) {
      const correction = this.vocabulary.correction(typed);
      // Offered only when it finds something: one search with it, a result per kind enough to know.
      if (correction && correction !== typed) {
        const corrected = { actor, typed: correction, analysed: this.vocabulary.analyseTyped(correction), lang, filters, limit: 1, cursor: null };
        if ((await this.groups(asked, corrected)).length > 0) didYouMean = correction;
      }
    }
    return { typed, groups, didYouMean };
  }

  /** The sources that apply every filter given: a channel is a post's alone, so only posts are asked then. */
  private sourcesFor(filters: SearchFilters): SearchSource[] {
    const given = (Object.keys(filters) as (keyof SearchFilters)[]).filter((name): name is SearchFilter => name !== 'kind' && filters[name] !== undefined);
    return this.sources.all().filter((source) => (!filters.kind || source.kind === filters.kind) && given.every((name) => source.filters.includes(name)));
  }

  private async groups(sources: SearchSource[], request: Parameters<SearchSource['search']>[0]): Promise<SearchGroup[]> {
    const pages = await Promise.all(sources.map((source) => source.search(request)));
    return sources
      .map((source, index) => ({ kind: source.kind, items: pages[index].items.slice(0, request.limit), nextCursor: pages[index].nextCursor }))
      .filter((group) => group.items.length > 0);
  }
}

/**
 * What was typed, as a search can take it: trimmed, with what PostgreSQL refuses as text (NUL, a
 * lone surrogate) made spaces, at most MAX_QUERY_LENGTH and with at least one word (letters or
 * digits: `&|!():*` alone is a question with nothing to find, not tsquery syntax); else the
 * message for the reader.
 */
export function checkTyped(raw: unknown): { typed: string; problem: string | null } {
  const typed = typeof raw === 'string' ? sendable(raw).trim() : '';
  if (!typed) return { typed, problem: 'search.error.required' };
  if (typed.length > MAX_QUERY_LENGTH) return { typed, problem: withValues('search.error.tooLong', { max: MAX_QUERY_LENGTH }) };
  if (!/[\p{L}\p{N}]/u.test(typed)) return { typed, problem: 'search.error.noWords' };
  return { typed, problem: null };
}

/** What was typed, checked; a message in `fields.q` when it cannot be searched for. */
function typedQuery(raw: unknown, fields: Record<string, string>): string {
  const { typed, problem } = checkTyped(raw);
  if (problem) fields.q = problem;
  return typed;
}

/** The filters given ('' or missing: none), each bad one a message in `fields` under its own name. */
function filtersOf(raw: RawSearchFilters, fields: Record<string, string>): SearchFilters {
  const filters: SearchFilters = {};
  const kind = given(raw.kind, 'kind', fields);
  if (kind !== undefined) {
    if ((SEARCH_KINDS as readonly string[]).includes(kind)) filters.kind = kind as SearchKind;
    else fields.kind = 'search.error.kind';
  }
  for (const name of ['channel', 'programme', 'author'] as const) {
    const id = given(raw[name], name, fields);
    if (id === undefined) continue;
    if (isUuid(id)) filters[FILTER_OF[name] as 'channelId' | 'programmeId' | 'authorId'] = id.toLowerCase();
    else fields[name] = 'search.error.id';
  }
  const from = dateOf(raw.from, 'from', fields);
  const to = dateOf(raw.to, 'to', fields);
  if (from) filters.from = from;
  if (to) filters.to = to;
  if (from && to && from > to) fields.to = 'search.error.toBeforeFrom';
  return filters;
}

/** A filter's text, or undefined when it is not given; anything but text (a repeated parameter) is a message. */
function given(value: unknown, name: string, fields: Record<string, string>): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    fields[name] = name === 'kind' ? 'search.error.kind' : name === 'from' || name === 'to' ? 'search.error.date' : 'search.error.id';
    return undefined;
  }
  const text = value.trim();
  return text === '' ? undefined : text;
}

/** A YYYY-MM-DD day (2000–2100) as the moment it starts in Helsinki; `to` covers the whole of its day (SearchFilters). */
function dateOf(value: unknown, name: 'from' | 'to', fields: Record<string, string>): Date | undefined {
  const text = given(value, name, fields);
  if (text === undefined) return undefined;
  const year = Number(text.slice(0, 4));
  const day = DATE.test(text) && year >= 2000 && year <= 2100 ? parseHelsinki(text, '00:00') : null;
  if (!day) {
    fields[name] = 'search.error.date';
    return undefined;
  }
  return day;
}
