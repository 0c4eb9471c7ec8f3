// Network events as a kind of search result (search/search-sources.ts), found as the events page
// lists them: those that have not ended, for everyone, guests too. A cancelled event is left out:
// the page keeps it struck through for those who planned to come, but nobody searches for one to
// go to. A result leads to the event's place on the events page.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Language, localized, LocalizedText } from '../i18n/i18n';
import { FoundPage, pageOf, rankCursor, rebuildBatch, SearchFilter, SearchRequest, SearchSource } from '../search/search-sources';
import { matchesAny, queryParameter, rankOf, typedQueries } from '../search/search-sql';
import { SearchSnippets } from '../search/snippet';
import { SearchVocabulary } from '../search/search-vocabulary.service';
import { markdownAsText } from '../views/markdown';

/** An event's texts, for SearchVocabulary.learn. */
export const eventTexts = (event: { title: LocalizedText; description?: LocalizedText | null; place?: string | null }) => [event.title, event.description, event.place];

interface EventRow {
  id: string;
  title: LocalizedText;
  description: LocalizedText;
  place: string | null;
  starts_at: Date;
  rank: number;
}

@Injectable()
export class NetworkEventSearch implements SearchSource {
  readonly kind = 'event';
  readonly filters: readonly SearchFilter[] = ['from', 'to'];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly vocabulary: SearchVocabulary,
    private readonly snippets: SearchSnippets,
  ) {}

  async search(request: SearchRequest): Promise<FoundPage> {
    const after = rankCursor(request);
    const { filters, lang } = request;
    const rows: EventRow[] = await this.dataSource.query(
      `WITH q AS (${typedQueries('$1')})
       SELECT * FROM (
         SELECT e.id, e.title, e.description, e.place, e.starts_at, ${rankOf('e.search')} AS rank
         FROM network_event e, q
         WHERE ${matchesAny('e.search')} AND e.status = 'published' AND e.ends_at > now()
           AND ($2::timestamptz IS NULL OR e.ends_at >= $2)
           AND ($3::timestamptz IS NULL OR e.starts_at < $3::timestamptz + interval '1 day')
       ) found
       WHERE $4::float8 IS NULL OR (rank, id) < ($4::float8, $5::uuid)
       ORDER BY rank DESC, id DESC LIMIT $6`,
      [queryParameter(request), filters.from ?? null, filters.to ?? null, after?.[0] ?? null, after?.[1] ?? null, request.limit + 1],
    );
    const shown = rows.slice(0, request.limit);
    const snippets = await this.snippets.of(
      queryParameter(request),
      shown.map((row) => {
        const language: Language = row.description[lang] ? lang : 'fi';
        // The place is written in Finnish: it belongs in a Finnish snippet only.
        const text = markdownAsText(localized(row.description, language));
        return { id: row.id, language, text: language === 'fi' && row.place ? `${text} ${row.place}` : text };
      }),
    );
    const items = shown.map((row, index) => ({
      kind: 'event' as const,
      id: row.id,
      title: localized(row.title, lang),
      url: `/events#event-${row.id}`,
      snippetHtml: snippets[index],
      context: row.place,
      date: new Date(row.starts_at),
      rank: Number(row.rank),
    }));
    return pageOf(items, rows.length, request.limit);
  }

  async reindexBatch(after: string | null, size: number): Promise<string | null> {
    const rows: { id: string; title: LocalizedText; description: LocalizedText; place: string | null }[] = await this.dataSource.query(
      `SELECT id, title, description, place FROM network_event WHERE $1::uuid IS NULL OR id > $1 ORDER BY id LIMIT $2`,
      [after, size],
    );
    return rebuildBatch(this.vocabulary, rows, eventTexts, (ids) => this.dataSource.query(`UPDATE network_event x SET search = network_event_vector(x) WHERE id = ANY($1::uuid[])`, [ids]));
  }

}
