// The catalogue's kinds of search results (search/search-sources.ts): programmes and their rounds,
// each found only where the catalogue shows it to the reader. A programme: published ones to
// everyone, drafts and archived ones to admins only (the catalogue lists no others). A round: as
// findCohort opens its page — published, cancelled and completed rounds of published or archived
// programmes to everyone, every round to admins. The rule is in each statement, so a page of
// results is never thinned out after it is counted.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { can, Capability } from '../access/capabilities';
import { cohortNameIn } from '../i18n/cohort-name';
import { Language, localized, LocalizedText } from '../i18n/i18n';
import { FoundPage, pageOf, rankCursor, rebuildBatch, SearchFilter, SearchRequest, SearchSource } from '../search/search-sources';
import { matchesAny, queryParameter, rankOf, typedQueries } from '../search/search-sql';
import { SearchSnippets } from '../search/snippet';
import { SearchVocabulary } from '../search/search-vocabulary.service';
import { markdownAsText } from '../views/markdown';

/** The language a reader's text is in: theirs when the text has it, else Finnish (as `localized` picks). */
const languageOf = (lang: Language, ...texts: (LocalizedText | null | undefined)[]): Language => (texts.some((text) => text?.[lang]) ? lang : 'fi');

/** `to` is a day: what begins before its end. */
const beforeEndOf = (param: string) => `(${param}::timestamptz + interval '1 day')`;

interface ProgrammeRow {
  id: string;
  slug: string;
  title: LocalizedText;
  summary: LocalizedText;
  description: LocalizedText;
  rank: number;
}

interface RoundRow {
  id: string;
  name: string;
  place: string | null;
  starts_at: Date;
  programme_title: LocalizedText;
  rank: number;
}

@Injectable()
export class ProgrammeSearch implements SearchSource {
  readonly kind = 'programme';
  readonly filters: readonly SearchFilter[] = ['programmeId'];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly vocabulary: SearchVocabulary,
    private readonly snippets: SearchSnippets,
  ) {}

  async search(request: SearchRequest): Promise<FoundPage> {
    const after = rankCursor(request);
    const rows: ProgrammeRow[] = await this.dataSource.query(
      `WITH q AS (${typedQueries('$1')})
       SELECT * FROM (
         SELECT p.id, p.slug, p.title, p.summary, p.description, ${rankOf('p.search')} AS rank
         FROM programme p, q
         WHERE ${matchesAny('p.search')} AND (p.status = 'published' OR $2) AND ($3::uuid IS NULL OR p.id = $3)
       ) found
       WHERE $4::float8 IS NULL OR (rank, id) < ($4::float8, $5::uuid)
       ORDER BY rank DESC, id DESC LIMIT $6`,
      [queryParameter(request), can(request.actor, Capability.ProgrammeManage), request.filters.programmeId ?? null, after?.[0] ?? null, after?.[1] ?? null, request.limit + 1],
    );
    const shown = rows.slice(0, request.limit);
    const { lang } = request;
    const snippets = await this.snippets.of(
      queryParameter(request),
      shown.map((row) => {
        const language = languageOf(lang, row.summary, row.description);
        return { id: row.id, language, text: `${localized(row.summary, language)} ${markdownAsText(localized(row.description, language))}` };
      }),
    );
    const items = shown.map((row, index) => ({
      kind: 'programme' as const,
      id: row.id,
      title: localized(row.title, lang),
      url: `/programmes/${row.slug}`,
      snippetHtml: snippets[index],
      context: null,
      date: null,
      rank: Number(row.rank),
    }));
    return pageOf(items, rows.length, request.limit);
  }

  async reindexBatch(after: string | null, size: number): Promise<string | null> {
    const rows: { id: string; title: LocalizedText; summary: LocalizedText; description: LocalizedText }[] = await this.dataSource.query(
      `SELECT id, title, summary, description FROM programme WHERE $1::uuid IS NULL OR id > $1 ORDER BY id LIMIT $2`,
      [after, size],
    );
    return rebuildBatch(this.vocabulary, rows, (row) => [row.title, row.summary, row.description], (ids) => this.dataSource.query(`UPDATE programme x SET search = programme_vector(x) WHERE id = ANY($1::uuid[])`, [ids]));
  }

}

@Injectable()
export class RoundSearch implements SearchSource {
  readonly kind = 'round';
  readonly filters: readonly SearchFilter[] = ['programmeId', 'from', 'to'];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly vocabulary: SearchVocabulary,
    private readonly snippets: SearchSnippets,
  ) {}

  async search(request: SearchRequest): Promise<FoundPage> {
    const after = rankCursor(request);
    const { filters, lang } = request;
    const rows: RoundRow[] = await this.dataSource.query(
      `WITH q AS (${typedQueries('$1')})
       SELECT * FROM (
         SELECT c.id, c.name, c.place, c.starts_at, p.title AS programme_title, ${rankOf('c.search')} AS rank
         FROM cohort c JOIN programme p ON p.id = c.programme_id, q
         WHERE ${matchesAny('c.search')}
           AND ($2 OR (c.status IN ('published', 'cancelled', 'completed') AND p.status IN ('published', 'archived')))
           AND ($3::uuid IS NULL OR p.id = $3)
           AND ($4::timestamptz IS NULL OR c.ends_at >= $4)
           AND ($5::timestamptz IS NULL OR c.starts_at < ${beforeEndOf('$5')})
       ) found
       WHERE $6::float8 IS NULL OR (rank, id) < ($6::float8, $7::uuid)
       ORDER BY rank DESC, id DESC LIMIT $8`,
      [
        queryParameter(request),
        can(request.actor, Capability.ProgrammeManage),
        filters.programmeId ?? null,
        filters.from ?? null,
        filters.to ?? null,
        after?.[0] ?? null,
        after?.[1] ?? null,
        request.limit + 1,
      ],
    );
    const shown = rows.slice(0, request.limit);
    // A round's name and place are written in Finnish whatever the reader's language.
    const snippets = await this.snippets.of(queryParameter(request), shown.map((row) => ({ language: 'fi' as const, text: [row.name, row.place].filter(Boolean).join(', ') })));
    const items = shown.map((row, index) => {
      const programme = localized(row.programme_title, lang);
      // The round's name in the programme title's language, so the whole title reads in one.
      const round = cohortNameIn(row.name, languageOf(lang, row.programme_title));
      return {
        kind: 'round' as const,
        id: row.id,
        title: `${programme}: ${round}`,
        url: `/cohorts/${row.id}`,
        snippetHtml: snippets[index],
        context: programme,
        date: new Date(row.starts_at),
        rank: Number(row.rank),
      };
    });
    return pageOf(items, rows.length, request.limit);
  }

  async reindexBatch(after: string | null, size: number): Promise<string | null> {
    const rows: { id: string; name: string; place: string | null }[] = await this.dataSource.query(
      `SELECT id, name, place FROM cohort WHERE $1::uuid IS NULL OR id > $1 ORDER BY id LIMIT $2`,
      [after, size],
    );
    return rebuildBatch(this.vocabulary, rows, (row) => [row.name, row.place], (ids) => this.dataSource.query(`UPDATE cohort x SET search = cohort_vector(x) WHERE id = ANY($1::uuid[])`, [ids]));
  }

}
