// Materials as a kind of search result (search/search-sources.ts): each found only by whom
// MaterialsService.mayRead lets read it, the same rule written once more in SQL so that a page of
// results is counted after the rule, not thinned out after it. A result leads to the list the
// material is in, on its programme's, round's or session's page.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { can, Capability } from '../access/capabilities';
import { Language, localized, LocalizedText } from '../i18n/i18n';
import { FoundPage, pageOf, rankCursor, rebuildBatch, SearchFilter, SearchRequest, SearchSource } from '../search/search-sources';
import { matchesAny, queryParameter, rankOf, typedQueries } from '../search/search-sql';
import { SearchSnippets } from '../search/snippet';
import { SearchVocabulary } from '../search/search-vocabulary.service';
import type { MaterialPlace } from './materials.service';
import { placeName } from './materials.view';

/** A material's texts, for SearchVocabulary.learn. */
export const materialTexts = (material: { title: LocalizedText; note?: LocalizedText | null }) => [material.title, material.note];

/**
 * MaterialsService.mayRead as SQL, for material `m` with its programme `p` and round `c` joined:
 * a programme's material whoever may see the programme (a draft's: admins and the programme's
 * facilitators); a round's or a session's the round's people (cohort_member.is_in: a seat, or
 * facilitating) and admins. `actor`: the reader's id (NULL for a guest); `admin`: whether they are one.
 */
export const mayReadMaterialSql = (m: string, p: string, c: string, actor: string, admin: string) => `(CASE
  WHEN ${m}.programme_id IS NOT NULL THEN ${p}.status <> 'draft' OR ${admin}
    OR EXISTS (SELECT FROM programme_facilitator_listing f WHERE f.programme_id = ${p}.id AND f.user_id = ${actor})
  ELSE ${admin} OR EXISTS (SELECT FROM cohort_member r WHERE r.cohort_id = ${c}.id AND r.user_id = ${actor} AND r.is_in) END)`;

interface MaterialRow {
  id: string;
  title: LocalizedText;
  note: LocalizedText;
  updated_at: Date;
  session_id: string | null;
  programme_slug: string;
  programme_title: LocalizedText;
  round_id: string | null;
  round_name: string | null;
  session_starts_at: Date | null;
  place: MaterialPlace;
  rank: number;
}

@Injectable()
export class MaterialSearch implements SearchSource {
  readonly kind = 'material';
  readonly filters: readonly SearchFilter[] = ['programmeId'];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly vocabulary: SearchVocabulary,
    private readonly snippets: SearchSnippets,
  ) {}

  async search(request: SearchRequest): Promise<FoundPage> {
    const after = rankCursor(request);
    const { lang } = request;
    const rows: MaterialRow[] = await this.dataSource.query(
      `WITH q AS (${typedQueries('$1')})
       SELECT * FROM (
         SELECT m.id, m.title, m.note, m.updated_at, m.session_id, p.slug AS programme_slug, p.title AS programme_title,
                c.id AS round_id, c.name AS round_name, s.starts_at AS session_starts_at,
                CASE WHEN m.programme_id IS NOT NULL THEN 'programme' WHEN m.cohort_id IS NOT NULL THEN 'cohort' ELSE 'session' END AS place,
                ${rankOf('m.search')} AS rank
         FROM material m
         LEFT JOIN session_listing s ON s.id = m.session_id
         LEFT JOIN cohort_listing c ON c.id = coalesce(m.cohort_id, s.cohort_id)
         JOIN programme_listing p ON p.id = coalesce(m.programme_id, c.programme_id), q
         WHERE ${matchesAny('m.search')} AND ${mayReadMaterialSql('m', 'p', 'c', '$2::uuid', '$3')}
           AND ($4::uuid IS NULL OR p.id = $4)
       ) found
       WHERE $5::float8 IS NULL OR (rank, id) < ($5::float8, $6::uuid)
       ORDER BY rank DESC, id DESC LIMIT $7`,
      [
        queryParameter(request),
        request.actor?.id ?? null,
        can(request.actor, Capability.ProgrammeManage),
        request.filters.programmeId ?? null,
        after?.[0] ?? null,
        after?.[1] ?? null,
        request.limit + 1,
      ],
    );
    const shown = rows.slice(0, request.limit);
    const snippets = await this.snippets.of(
      queryParameter(request),
      shown.map((row) => {
        const language: Language = row.note[lang] ? lang : 'fi';
        return { id: row.id, language, text: localized(row.note, language) ?? '' };
      }),
    );
    const items = shown.map((row, index) => ({
      kind: 'material' as const,
      id: row.id,
      title: localized(row.title, lang),
      url: `${pagePath(row)}#materials-${row.place}`,
      snippetHtml: snippets[index],
      context: placeName({ place: row.place, programmeTitle: row.programme_title, cohortName: row.round_name, startsAt: row.session_starts_at && new Date(row.session_starts_at) }, lang),
      date: new Date(row.updated_at),
      rank: Number(row.rank),
    }));
    return pageOf(items, rows.length, request.limit);
  }

  async reindexBatch(after: string | null, size: number): Promise<string | null> {
    const rows: { id: string; title: LocalizedText; note: LocalizedText }[] = await this.dataSource.query(
      `SELECT id, title, note FROM material WHERE $1::uuid IS NULL OR id > $1 ORDER BY id LIMIT $2`,
      [after, size],
    );
    return rebuildBatch(this.vocabulary, rows, materialTexts, (ids) => this.dataSource.query(`UPDATE material x SET search = material_vector(x) WHERE id = ANY($1::uuid[])`, [ids]));
  }

}

/** The page that lists the material (as MaterialsService.home names it). */
function pagePath(row: MaterialRow): string {
  if (row.place === 'programme') return `/programmes/${row.programme_slug}`;
  if (row.place === 'cohort') return `/cohorts/${row.round_id}`;
  return `/cohorts/${row.round_id}/sessions/${row.session_id}`;
}
