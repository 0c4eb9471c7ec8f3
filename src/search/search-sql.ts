// SQL pieces every search source uses, so each ranks and marks matches the same way
// (search/sql/search-vector.sql). A source's statement starts `WITH q AS (${typedQueries('$1')})`
// with queryParameter(request) as that parameter.
import type { TypedWords } from './search-vocabulary.service';

/** What was typed and Voikko's analyses of its words, as the one parameter typedQueries reads. */
export function queryParameter(request: { typed: string; analysed: TypedWords }): string {
  return JSON.stringify({ typed: request.typed, analysed: request.analysed });
}

/**
 * The queries of what was typed (`param`: queryParameter's JSON): `fi` matches Finnish vectors
 * (each word as written, in a base form or as a compound part; the last word also as a prefix),
 * `fi_base` and `fi_exact` rank them, `sv` and `en` match Swedish and English vectors (`sv_words`,
 * `en_words`: without the prefix, for ranking), `any` is all of them for cover density and marks.
 */
export function typedQueries(param: string): string {
  return `SELECT fi, fi_base, fi_exact, sv, en, sv_words, en_words, coalesce(fi, ''::tsquery) || coalesce(sv, ''::tsquery) || coalesce(en, ''::tsquery) AS any
    FROM (SELECT ${param}::jsonb->>'typed' AS t, ${param}::jsonb->'analysed' AS a) given,
    LATERAL (SELECT search_query_fi(t, 1, true, a) AS fi, search_query_fi(t, 2, false, a) AS fi_base, search_query_fi(t, 3, false, a) AS fi_exact,
                    search_query_stemmed('swedish', t, true) AS sv, search_query_stemmed('english', t, true) AS en,
                    search_query_stemmed('swedish', t, false) AS sv_words, search_query_stemmed('english', t, false) AS en_words) typed`;
}

/** Whether vector `v` (texts in any of the three languages) matches. Each arm is one the GIN index serves. */
export const matchesAny = (v: string) => `(${v} @@ q.fi OR ${v} @@ q.sv OR ${v} @@ q.en)`;

/** Whether vector `v` of a text in language `language` ('fi', 'sv', 'en') matches. */
export const matchesIn = (v: string, language: string) =>
  `((${language} = 'fi' AND ${v} @@ q.fi) OR (${language} = 'sv' AND ${v} @@ q.sv) OR (${language} = 'en' AND ${v} @@ q.en))`;

/**
 * The rank of a match in vector `v` holding texts in any of the three languages: 3 when every word
 * is there as written, 2 in a base form or as a Swedish or English word (whole words: a prefix
 * would lift "käsityö" to the base form's tier for "käsi"), 1 only as a compound part or a prefix;
 * plus cover density (below 1) within a tier.
 */
export const rankOf = (v: string) =>
  `((CASE WHEN ${v} @@ q.fi_exact THEN 3 WHEN ${v} @@ q.fi_base OR ${v} @@ q.sv_words OR ${v} @@ q.en_words THEN 2 ELSE 1 END) + ts_rank_cd(${v}, q.any, 32))::float8`;

/** The rank of a match in vector `v` of a text in one language, `language`: the tiers of rankOf, by that language's query alone. */
export const rankIn = (v: string, language: string) =>
  `((CASE WHEN ${language} <> 'fi' THEN 2 WHEN ${v} @@ q.fi_exact THEN 3 WHEN ${v} @@ q.fi_base THEN 2 ELSE 1 END)
    + ts_rank_cd(${v}, CASE ${language} WHEN 'sv' THEN q.sv WHEN 'en' THEN q.en ELSE q.fi END, 32))::float8`;

export const MARK_START = '\u0001';
export const MARK_STOP = '\u0002';
const HEADLINE_OPTIONS = `'StartSel=${MARK_START}, StopSel=${MARK_STOP}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "'`;

/**
 * A snippet of plain `text` (Finnish) whose vector is `v`: the words written where the query
 * matched (kädessä for käsi) between MARK_START and MARK_STOP; turn into HTML with markedSnippet.
 */
export const finnishSnippet = (v: string, text: string) =>
  `ts_headline('simple', ${text}, coalesce(search_marked_words(${v}, q.any), ''::tsquery), ${HEADLINE_OPTIONS})`;

/** A snippet of plain `text` in snowball configuration `config` ('swedish', 'english'), marked by its query. */
export const stemmedSnippet = (config: 'swedish' | 'english', text: string) =>
  `ts_headline('${config}', ${text}, coalesce(q.${config === 'swedish' ? 'sv' : 'en'}, ''::tsquery), ${HEADLINE_OPTIONS})`;
