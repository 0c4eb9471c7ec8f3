// Full-text search over the posts a person may read. Each post's vector is in its own language
// (forums/sql/post-search.sql): a Finnish post's words as written plus Voikko's base forms and
// compound parts (search/sql/search-vector.sql), a Swedish or English one snowball-stemmed. The
// query is built the same three ways (search/search-sql.ts typedQueries) and each post matched in
// its own language; one GIN index serves all three (a BitmapOr). Ranked by tier — every word as
// written, then in a base form, then only as a compound part or prefix — and within a tier by
// cover density. Snippets come from ts_headline over the post as plain text (its Markdown without
// the markup: no stray ** or link syntax); a Finnish post's marks are the words written where the
// query matched (kädessä for käsi). The marks are control characters, HTML-escaped with the text
// before becoming <mark> (search/snippet.ts): a post's text never reaches the page unescaped.
// Each hit knows the page of its thread the post is on, so a result leads to the post itself.
//
// Ranking reads each candidate's vector from its row, so a word found in a third of a million
// posts cannot be ranked among all of them in time (seconds, bench:forum). The candidates are the
// newest CANDIDATES matches the reader may see: found by walking the newest RECENT_POSTS posts
// (the forum_post_findable_recent index) when the word is that common, else every match, through
// the GIN index (then there are at most about CANDIDATES × posts ÷ RECENT_POSTS of them). A rarer
// word is thus ranked among all its matches, a common one among its newest CANDIDATES.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '../access/capabilities';
import { FieldErrors, isUuid } from '../errors/domain-errors';
import { Language, localized, LocalizedText } from '../i18n/i18n';
import { markdownAsText } from '../views/markdown';
import { checkTyped } from '../search/search.service';
import { finnishSnippet, matchesIn, queryParameter, rankIn, stemmedSnippet, typedQueries } from '../search/search-sql';
import { headlineText, markedSnippet } from '../search/snippet';
import { SearchVocabulary, TypedWords } from '../search/search-vocabulary.service';
import { isAdmin, mayModerateSql, mayReadSql } from './forum-access';
import { POSTS_PER_PAGE } from './forums.service';
import { cohortNameIn } from '../i18n/cohort-name';
import { decodeCursor, encodeCursor, Page } from '../web/api/cursor';

export const SEARCH_RESULTS_PER_PAGE = 20;
/** How many of the newest matches a common word is ranked among. */
export const CANDIDATES = 100;
/** The newest posts walked for them before every match is ranked instead. */
export const RECENT_POSTS = 20_000;

/** Narrowing a post search (the unified search's filters that posts apply). */
export interface PostSearchFilters {
  channelId?: string;
  /** Posts in the forums of this programme's rounds. */
  programmeId?: string;
  authorId?: string;
  /** Written on or after. */
  from?: Date;
  /** Written before the end of this day (`to` plus one day). */
  to?: Date;
}

export interface SearchHit {
  postId: string;
  threadId: string;
  threadTitle: string;
  channelId: string;
  channelName: string;
  authorName: string | null;
  createdAt: Date;
  language: Language;
  /** HTML: escaped plain text with the matched words in <mark>. */
  snippetHtml: string;
  /** The thread page's cursor for the page the post is on (as its "next page" links make them); null for the first page. */
  pageCursor: string | null;
  rank: number;
}

@Injectable()
export class ForumSearchService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly vocabulary: SearchVocabulary,
  ) {}

  /**
   * The posts the reader may see that match `query`, best first; `cursor` from the previous page.
   * `analysed`: the typed words' analyses when the one search has made them already.
   */
  async search(
    actor: Actor,
    query: unknown,
    lang: Language,
    cursor?: string | null,
    limit = SEARCH_RESULTS_PER_PAGE,
    filters: PostSearchFilters = {},
    analysed?: TypedWords,
  ): Promise<Page<SearchHit>> {
    const { typed, problem } = checkTyped(query);
    if (problem) throw new FieldErrors({ q: problem });
    const after = cursor ? decodeCursor(cursor, ['rank', 'uuid']) : null;
    // An id that is not one names no channel, programme or person: nothing is in it.
    if ([filters.channelId, filters.programmeId, filters.authorId].some((id) => id !== undefined && !isUuid(id))) return { items: [], nextCursor: null };
    // The words typed are analysed as a post's are, so "jalka" is looked for as the base form it is.
    const parameter = queryParameter({ typed, analysed: analysed ?? this.vocabulary.analyseTyped(typed) });
    const rows: {
      id: string;
      thread_id: string;
      title: string;
      channel_id: string;
      channel_name: LocalizedText;
      cohort_name: string | null;
      programme_title: LocalizedText | null;
      author_name: string | null;
      created_at: Date;
      language: Language;
      rank: number;
      body: string;
      page_after_key: string | null;
      page_after_id: string | null;
    }[] = await this.dataSource.query(
      `WITH q AS (${typedQueries('$1')}), readable AS MATERIALIZED (
         SELECT ch.id, ch.name, c.name AS cohort_name, p.title AS programme_title, ${mayModerateSql('ch', '$2', '$3')} AS may_moderate
         FROM forum_channel ch LEFT JOIN cohort_listing c ON c.id = ch.cohort_id LEFT JOIN programme_listing p ON p.id = c.programme_id
         WHERE ${mayReadSql('ch', '$2', '$3')} AND ($10::uuid IS NULL OR ch.id = $10) AND ($11::uuid IS NULL OR c.programme_id = $11)
       ), recent AS MATERIALIZED (
         SELECT w.id, w.thread_id, w.author_id, w.language, w.search
         FROM (SELECT po.id, po.thread_id, po.author_id, po.created_at, po.language, po.search FROM forum_post po
               WHERE po.deleted_at IS NULL AND po.hidden_at IS NULL ORDER BY po.created_at DESC, po.id DESC LIMIT $6) w
         JOIN forum_thread t ON t.id = w.thread_id, q
         WHERE ${matchesIn('w.search', 'w.language')} AND ${chosen('w')} AND ${shown('w', 't')}
         ORDER BY w.created_at DESC, w.id DESC
         LIMIT $5
       ), every_match AS MATERIALIZED (
         SELECT po.id, po.thread_id, po.author_id, po.language, po.search
         FROM forum_post po JOIN forum_thread t ON t.id = po.thread_id, q
         WHERE (SELECT count(*) FROM recent) < $5 AND po.deleted_at IS NULL AND po.hidden_at IS NULL
           AND ${matchesIn('po.search', 'po.language')} AND ${chosen('po')} AND ${shown('po', 't')}
       ), candidates AS (
         SELECT * FROM recent WHERE (SELECT count(*) FROM recent) >= $5
         UNION ALL SELECT * FROM every_match
       ), ranked AS (
         SELECT c.id, c.thread_id, c.author_id, c.language, ${rankIn('c.search', 'c.language')} AS rank
         FROM candidates c, q
       ), top AS (
         SELECT * FROM ranked WHERE $7::float8 IS NULL OR (rank, id) < ($7::float8, $8::uuid) ORDER BY rank DESC, id DESC LIMIT $4
       )
       SELECT top.id, top.thread_id, t.title, t.channel_id, r.name AS channel_name, r.cohort_name, r.programme_title, u.display_name AS author_name,
              po.created_at, top.language, top.rank, po.body, page_after.key AS page_after_key, page_after.id AS page_after_id
       FROM top JOIN forum_post po ON po.id = top.id JOIN forum_thread t ON t.id = top.thread_id JOIN readable r ON r.id = t.channel_id
       LEFT JOIN person u ON u.id = top.author_id
       -- The thread page shows posts $9 at a time from the first: the post that ends the page before this one's.
       CROSS JOIN LATERAL (SELECT count(*)::int AS n FROM forum_post o WHERE o.thread_id = po.thread_id AND (o.created_at, o.id) < (po.created_at, po.id)) earlier
       LEFT JOIN LATERAL (
         SELECT to_char(o.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS key, o.id FROM forum_post o
         WHERE earlier.n >= $9 AND o.thread_id = po.thread_id ORDER BY o.created_at, o.id OFFSET greatest(earlier.n / $9 * $9 - 1, 0) LIMIT 1
       ) page_after ON true
       ORDER BY top.rank DESC, top.id DESC`,
      [
        parameter,
        actor.id,
        isAdmin(actor),
        limit + 1,
        CANDIDATES,
        RECENT_POSTS,
        after?.[0] ?? null,
        after?.[1] ?? null,
        POSTS_PER_PAGE,
        filters.channelId ?? null,
        filters.programmeId ?? null,
        filters.authorId ?? null,
        filters.from ?? null,
        filters.to ?? null,
      ],
    );
    const shownRows = rows.slice(0, limit);
    const snippets = await this.snippets(parameter, shownRows);
    const items = shownRows.map((row, index) => ({
      postId: row.id,
      threadId: row.thread_id,
      threadTitle: row.title,
      channelId: row.channel_id,
      channelName: row.programme_title ? `${localized(row.programme_title, lang)}: ${cohortNameIn(row.cohort_name ?? '', lang)}` : localized(row.channel_name, lang),
      authorName: row.author_name,
      createdAt: new Date(row.created_at),
      language: row.language,
      snippetHtml: markedSnippet(snippets[index]),
      pageCursor: row.page_after_key && row.page_after_id ? encodeCursor([row.page_after_key, row.page_after_id]) : null,
      rank: Number(row.rank),
    }));
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit ? encodeCursor([last.rank, last.postId]) : null };
  }

  /**
   * Each post's snippet: ts_headline over its text without Markdown, with the matches between the
   * marks; a Finnish post's from its vector (the words written where a base form or part matched).
   */
  private async snippets(parameter: string, posts: { id: string; body: string }[]): Promise<string[]> {
    if (posts.length === 0) return [];
    const rows: { snippet: string | null }[] = await this.dataSource.query(
      `WITH q AS (${typedQueries('$1')})
       SELECT CASE po.language WHEN 'sv' THEN ${stemmedSnippet('swedish', 'h.text')} WHEN 'en' THEN ${stemmedSnippet('english', 'h.text')}
                               ELSE ${finnishSnippet('po.search', 'h.text')} END AS snippet
       FROM unnest($2::uuid[], $3::text[]) WITH ORDINALITY AS h(id, text, n) LEFT JOIN forum_post po ON po.id = h.id CROSS JOIN q
       ORDER BY h.n`,
      [parameter, posts.map((post) => post.id), posts.map((post) => headlineText(markdownAsText(post.body)))],
    );
    return rows.map((row) => row.snippet ?? '');
  }
}

/** Whether post `p` is among those the filters ($12 author, $13 from, $14 to) choose. */
const chosen = (p: string) => `($12::uuid IS NULL OR ${p}.author_id = $12) AND ($13::timestamptz IS NULL OR ${p}.created_at >= $13)
  AND ($14::timestamptz IS NULL OR ${p}.created_at < $14::timestamptz + interval '1 day')`;

/**
 * Whether the reader sees post `p` of thread `t`: a channel they may read, and in a reflection
 * thread only the opening post and their own until they have posted (unless they moderate it).
 * The LIMIT 1 keeps the planner from turning "have they posted here" into a hash of every post
 * they ever wrote, which it builds by reading all posts.
 */
const shown = (p: string, t: string) => `${t}.channel_id IN (SELECT id FROM readable)
  AND (NOT ${t}.post_first OR ${p}.author_id = $2 OR ${t}.channel_id IN (SELECT id FROM readable WHERE may_moderate)
       OR EXISTS (SELECT FROM (SELECT FROM forum_post o WHERE o.thread_id = ${t}.id AND o.author_id = $2 AND o.deleted_at IS NULL LIMIT 1) mine)
       OR ${p}.id = (SELECT o.id FROM forum_post o WHERE o.thread_id = ${t}.id ORDER BY o.created_at, o.id LIMIT 1))`;
