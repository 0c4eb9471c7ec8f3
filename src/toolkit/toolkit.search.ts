// Toolkit entries as a kind of search result (search/search-sources.ts): the library's published
// entries, for everyone. A pending or declined case is its submitter's and the admins' to see on
// their own lists, never found by search. A result leads to the entry's page.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Language, LANGUAGES, translate } from '../i18n/i18n';
import { FoundPage, pageOf, rankCursor, rebuildBatch, SearchFilter, SearchRequest, SearchSource } from '../search/search-sources';
import { matchesAny, queryParameter, rankOf, typedQueries } from '../search/search-sql';
import { SearchSnippets } from '../search/snippet';
import { SearchVocabulary } from '../search/search-vocabulary.service';
import { markdownAsText } from '../views/markdown';
import { ToolkitKind } from './toolkit-entry.entity';
import { textIn, ToolkitText } from './toolkit.service';

interface EntryRow {
  id: string;
  kind: ToolkitKind;
  title: ToolkitText;
  description: ToolkitText;
  created_at: Date;
  rank: number;
}

/** The language textIn picks a text in: the reader's, else Finnish, else the first one it has. */
const languageOf = (text: ToolkitText, lang: Language): Language => (text[lang] ? lang : text.fi ? 'fi' : (LANGUAGES.find((other) => text[other]) ?? 'fi'));

@Injectable()
export class ToolkitSearch implements SearchSource {
  readonly kind = 'toolkit';
  readonly filters: readonly SearchFilter[] = [];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly vocabulary: SearchVocabulary,
    private readonly snippets: SearchSnippets,
  ) {}

  async search(request: SearchRequest): Promise<FoundPage> {
    const after = rankCursor(request);
    const { lang } = request;
    const rows: EntryRow[] = await this.dataSource.query(
      `WITH q AS (${typedQueries('$1')})
       SELECT * FROM (
         SELECT e.id, e.kind, e.title, e.description, e.created_at, ${rankOf('e.search')} AS rank
         FROM toolkit_entry e, q
         WHERE ${matchesAny('e.search')} AND e.status = 'published'
       ) found
       WHERE $2::float8 IS NULL OR (rank, id) < ($2::float8, $3::uuid)
       ORDER BY rank DESC, id DESC LIMIT $4`,
      [queryParameter(request), after?.[0] ?? null, after?.[1] ?? null, request.limit + 1],
    );
    const shown = rows.slice(0, request.limit);
    const snippets = await this.snippets.of(
      queryParameter(request),
      shown.map((row) => {
        const language = languageOf(row.description, lang);
        return { id: row.id, language, text: markdownAsText(row.description[language] ?? '') };
      }),
    );
    const items = shown.map((row, index) => ({
      kind: 'toolkit' as const,
      id: row.id,
      title: textIn(row.title, lang),
      url: `/toolkit/${row.id}`,
      snippetHtml: snippets[index],
      context: translate(lang, `toolkit.kind.${row.kind}`),
      date: new Date(row.created_at),
      rank: Number(row.rank),
    }));
    return pageOf(items, rows.length, request.limit);
  }

  async reindexBatch(after: string | null, size: number): Promise<string | null> {
    const rows: { id: string; title: ToolkitText; description: ToolkitText }[] = await this.dataSource.query(
      `SELECT id, title, description FROM toolkit_entry WHERE $1::uuid IS NULL OR id > $1 ORDER BY id LIMIT $2`,
      [after, size],
    );
    return rebuildBatch(this.vocabulary, rows, (row) => [row.title, row.description], (ids) => this.dataSource.query(`UPDATE toolkit_entry x SET search = toolkit_entry_vector(x) WHERE id = ANY($1::uuid[])`, [ids]));
  }

}
