// Full-text search over the posts a person may read. Each post's vector is in its own language's
// configuration (finnish, swedish or english: "kehittäjien" finds "kehittäjä"), so the query is
// stemmed three ways and each post matched with its own language's form; one GIN index serves
// all three (a BitmapOr). Ranked by ts_rank_cd, with snippets from ts_headline, whose matches are
// marked with control characters and HTML-escaped here before becoming <mark>: a post's text never
// reaches the page unescaped.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '../access/capabilities';
import { decodeCursor, encodeCursor, Page } from '../database/cursor';
import { FieldErrors } from '../errors/domain-errors';
import { Language, localized, LocalizedText } from '../i18n/i18n';
import { isAdmin, mayModerateSql, mayReadSql } from './forum-access';

export const MAX_QUERY_LENGTH = 200;
export const SEARCH_RESULTS_PER_PAGE = 20;

export interface SearchHit {
  postId: string;
  threadId: string;
  threadTitle: string;
  channelId: string;
  channelName: string;
  authorName: string | null;
  createdAt: Date;
  language: Language;
  /** HTML: escaped text with the matched words in <mark>. */
  snippetHtml: string;
  rank: number;
}

const START = '\u0001';
const STOP = '\u0002';

@Injectable()
export class ForumSearchService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async search(actor: Actor, query: unknown, lang: Language, cursor?: string, limit = SEARCH_RESULTS_PER_PAGE): Promise<Page<SearchHit>> {
    const q = typeof query === 'string' ? query.trim() : '';
    if (!q) throw new FieldErrors({ q: 'forum.search.required' });
    if (q.length > MAX_QUERY_LENGTH) throw new FieldErrors({ q: 'forum.search.tooLong' });
    const after = cursor ? decodeCursor(cursor, ['number', 'uuid']) : null;
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
      snippet: string;
    }[] = await this.dataSource.query(
      `WITH q AS (
         SELECT websearch_to_tsquery('finnish', $1) AS fi, websearch_to_tsquery('swedish', $1) AS sv, websearch_to_tsquery('english', $1) AS en
       ), readable AS (
         SELECT ch.id, ch.name, c.name AS cohort_name, p.title AS programme_title, ${mayModerateSql('ch', '$2', '$3')} AS may_moderate
         FROM forum_channel ch LEFT JOIN cohort c ON c.id = ch.cohort_id LEFT JOIN programme p ON p.id = c.programme_id
         WHERE ${mayReadSql('ch', '$2', '$3')}
       ), hits AS (
         SELECT po.id, po.thread_id, po.author_id, po.created_at, po.language, po.body,
                ts_rank_cd(po.search, CASE po.language WHEN 'sv' THEN q.sv WHEN 'en' THEN q.en ELSE q.fi END)::float8 AS rank,
                CASE po.language WHEN 'sv' THEN q.sv WHEN 'en' THEN q.en ELSE q.fi END AS query
         FROM forum_post po, q
         WHERE po.deleted_at IS NULL AND po.hidden_at IS NULL
           AND ((po.language = 'fi' AND po.search @@ q.fi) OR (po.language = 'sv' AND po.search @@ q.sv) OR (po.language = 'en' AND po.search @@ q.en))
       )
       SELECT h.id, h.thread_id, t.title, t.channel_id, r.name AS channel_name, r.cohort_name, r.programme_title, u.display_name AS author_name,
              h.created_at, h.language, h.rank,
              ts_headline(forum_search_config(h.language), h.body, h.query, 'StartSel=${START}, StopSel=${STOP}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "') AS snippet
       FROM hits h JOIN forum_thread t ON t.id = h.thread_id JOIN readable r ON r.id = t.channel_id
       LEFT JOIN app_user u ON u.id = h.author_id
       WHERE (NOT t.post_first OR r.may_moderate OR h.author_id = $2
              OR EXISTS (SELECT 1 FROM forum_post o WHERE o.thread_id = t.id AND o.author_id = $2 AND o.deleted_at IS NULL)
              OR h.id = (SELECT o.id FROM forum_post o WHERE o.thread_id = t.id ORDER BY o.created_at, o.id LIMIT 1))
         ${after ? 'AND (h.rank, h.id) < ($5::float8, $6::uuid)' : ''}
       ORDER BY h.rank DESC, h.id DESC
       LIMIT $4`,
      [q, actor.id, isAdmin(actor), limit + 1, ...(after ?? [])],
    );
    const items = rows.slice(0, limit).map((row) => ({
      postId: row.id,
      threadId: row.thread_id,
      threadTitle: row.title,
      channelId: row.channel_id,
      channelName: row.programme_title ? `${localized(row.programme_title, lang)}: ${row.cohort_name}` : localized(row.channel_name, lang),
      authorName: row.author_name,
      createdAt: new Date(row.created_at),
      language: row.language,
      snippetHtml: markedSnippet(row.snippet),
      rank: Number(row.rank),
    }));
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit ? encodeCursor([last.rank, last.postId]) : null };
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** The snippet as HTML: everything escaped, then the match markers turned into <mark>. */
export function markedSnippet(snippet: string): string {
  return snippet
    .replace(/[&<>"']/g, (c) => ESCAPES[c])
    .replaceAll(START, '<mark>')
    .replaceAll(STOP, '</mark>');
}
