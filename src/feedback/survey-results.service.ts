// A survey's results for those who run its round (the round's facilitators and admins) and, for the
// site's open form, for admins: per question the counts the answers add up to, counted in PostgreSQL
// (GROUP BY question and value) rather than by loading every answer; scale questions also by agency,
// where no group under MIN_GROUP is ever shown on its own, and against the programme's earlier rounds
// whose surveys ask the same question (copied surveys keep their Finnish prompt).
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor } from '../access/capabilities';
import { RosterService } from '../enrolment/roster.service';
import { checkedId, NotAllowed, NotFound } from '../errors/domain-errors';
import { Language, localized, LocalizedText } from '../i18n/i18n';
import { QuestionKind } from './survey-question.entity';
import { SurveyPurpose } from './survey.entity';

/** The smallest group of answers shown apart: fewer could point at a person. */
export const MIN_GROUP = 5;
/** Earlier rounds compared with the current one, the latest first. */
export const COMPARED_ROUNDS = 10;
/** Text answers listed on the page per question, the newest first (the CSV has all). */
export const TEXTS_SHOWN = 200;

/**
 * The statements the results are made of, exported so that bench:feedback can time the same
 * aggregates bare. $1 is the survey throughout.
 */
export const RESULTS_SQL = {
  questions: `SELECT id, position, kind, prompt, options FROM survey_question WHERE survey_id = $1 ORDER BY position`,
  responses: `SELECT count(*)::int AS n FROM survey_response WHERE survey_id = $1`,
  /**
   * Per question and value (a scale point, or a chosen option's index; null for text), the answers;
   * and per question (value's grouping = 1) how many answered it at all.
   */
  counts: `SELECT a.question_id, v.value, count(*)::int AS n, grouping(v.value) AS whole
           FROM survey_question q
           JOIN survey_answer a ON a.question_id = q.id
           CROSS JOIN LATERAL unnest(CASE WHEN a.choices IS NOT NULL THEN a.choices
                                          ELSE ARRAY[a.scale_value] END) AS v(value)
           WHERE q.survey_id = $1
           GROUP BY GROUPING SETS ((a.question_id, v.value), (a.question_id))`,
  /** Scale answers per question and agency: the count and the sum (the mean is sum ÷ count, also after merging small groups). */
  byAgency: `SELECT a.question_id, r.agency_id, g.name AS agency, count(*)::int AS n, sum(a.scale_value)::int AS total
             FROM survey_question q
             JOIN survey_answer a ON a.question_id = q.id
             JOIN survey_response r ON r.id = a.response_id
             LEFT JOIN agency_name g ON g.id = r.agency_id
             WHERE q.survey_id = $1 AND q.kind = 'scale' AND a.scale_value IS NOT NULL
             GROUP BY a.question_id, r.agency_id, g.name`,
  /** Text answers, the newest first, at most $2 per question. */
  texts: `SELECT question_id, text, submitted_at FROM (
            SELECT a.question_id, a.text, r.submitted_at,
                   row_number() OVER (PARTITION BY a.question_id ORDER BY r.submitted_at DESC, r.id) AS nth
            FROM survey_question q
            JOIN survey_answer a ON a.question_id = q.id
            JOIN survey_response r ON r.id = a.response_id
            WHERE q.survey_id = $1 AND a.text IS NOT NULL) listed
          WHERE nth <= $2
          ORDER BY question_id, nth`,
  /**
   * For each scale question of the survey ($1), the same question (kind and Finnish prompt) in the
   * surveys of the programme's ($2) rounds that started before this one ($3 start, $4 round), the
   * latest $5 rounds with a survey: the count and the mean of its answers there.
   */
  comparison: `WITH current_question AS (
                 SELECT id, prompt->>'fi' AS prompt_fi FROM survey_question WHERE survey_id = $1 AND kind = 'scale'
               ), earlier AS (
                 SELECT c.id, c.name, c.starts_at, s.id AS survey_id
                 FROM cohort_listing c JOIN survey s ON s.cohort_id = c.id
                 WHERE c.programme_id = $2 AND (c.starts_at, c.id) < ($3::timestamptz, $4::uuid)
                 ORDER BY c.starts_at DESC, c.id DESC
                 LIMIT $5
               )
               SELECT cq.id AS question_id, e.id AS cohort_id, e.name, e.starts_at,
                      count(a.scale_value)::int AS n, avg(a.scale_value)::float8 AS mean
               FROM current_question cq
               JOIN survey_question q ON q.kind = 'scale' AND q.prompt->>'fi' = cq.prompt_fi
               JOIN earlier e ON e.survey_id = q.survey_id
               LEFT JOIN survey_answer a ON a.question_id = q.id AND a.scale_value IS NOT NULL
               GROUP BY cq.id, e.id, e.name, e.starts_at
               ORDER BY cq.id, e.starts_at DESC, e.id DESC`,
  /** Participants who hold or held a seat in the round: those the survey was for. */
  invited: `SELECT count(*)::int AS n FROM cohort_member WHERE cohort_id = $1 AND role = 'participant' AND is_in`,
};

export interface AgencyGroup {
  /** The agency's name; null for answers from people with no agency, `other` for the merged small groups. */
  agency: string | null;
  other: boolean;
  count: number;
  mean: number;
}

export interface ComparedRound {
  cohortId: string;
  name: string;
  startsAt: Date;
  count: number;
  mean: number | null;
  current: boolean;
}

export interface QuestionResult {
  id: string;
  position: number;
  kind: QuestionKind;
  prompt: string;
  /** How many answered the question. */
  answered: number;
  /** Scale: the five points' labels (empty where none) and counts, 1..5, and the mean (null with no answers). */
  scale: { labels: string[]; counts: number[]; mean: number | null; byAgency: AgencyGroup[]; comparison: ComparedRound[] } | null;
  /** Choice questions: each option's label and how many chose it. */
  choices: { label: string; count: number }[] | null;
  /** Text questions: the answers, newest first (at most TEXTS_SHOWN), and how many there are in all. */
  texts: { text: string; submittedAt: Date }[] | null;
}

export interface SurveyResults {
  purpose: SurveyPurpose;
  /** Null when the round has no survey (or the site has no form yet): the page says so. */
  survey: { id: string; title: string; anonymous: boolean; opensAt: Date | null; closesAt: Date | null } | null;
  cohort: { id: string; name: string; programmeTitle: string; startsAt: Date } | null;
  responses: number;
  /** The round's participants holding or having held a seat; null for the site form. */
  invited: number | null;
  questions: QuestionResult[];
}

interface QuestionRow {
  id: string;
  position: number;
  kind: QuestionKind;
  prompt: LocalizedText;
  options: LocalizedText[];
}

interface SurveyRow {
  id: string;
  title: LocalizedText;
  anonymous: boolean;
  opens_at: Date | null;
  closes_at: Date | null;
}

/**
 * Groups of at least MIN_GROUP answers by agency, the rest merged into one "other agencies" group.
 * Nobody's answers may be worked out: a merged group under MIN_GROUP is not shown, and since the
 * whole question's count and mean are shown, it could be had by subtraction; so while the merged
 * rest is under MIN_GROUP, the smallest group shown joins it. With no agency left to show apart,
 * no breakdown is given.
 */
export function agencyBreakdown(groups: { agency: string | null; count: number; total: number }[]): AgencyGroup[] {
  const sorted = [...groups].sort((a, b) => b.count - a.count || (a.agency ?? '\uffff').localeCompare(b.agency ?? '\uffff', 'fi'));
  const shown = sorted.filter((group) => group.count >= MIN_GROUP);
  const rest = { count: 0, total: 0 };
  for (const group of sorted.filter((g) => g.count < MIN_GROUP)) {
    rest.count += group.count;
    rest.total += group.total;
  }
  while (rest.count > 0 && rest.count < MIN_GROUP && shown.length > 0) {
    const smallest = shown.pop()!;
    rest.count += smallest.count;
    rest.total += smallest.total;
  }
  if (shown.length === 0) return [];
  const result: AgencyGroup[] = shown.map((group) => ({ agency: group.agency, other: false, count: group.count, mean: group.total / group.count }));
  if (rest.count >= MIN_GROUP) result.push({ agency: null, other: true, count: rest.count, mean: rest.total / rest.count });
  return result;
}

@Injectable()
export class SurveyResultsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly roster: RosterService,
  ) {}

  /** A round's survey results: an unknown round is a 404; one the actor does not run, a 403. */
  async forCohort(actor: Actor, cohortId: string, lang: Language, texts = TEXTS_SHOWN): Promise<SurveyResults> {
    const [row]: (SurveyRow & { cohort_id: string; name: string; programme_id: string; programme_title: LocalizedText; starts_at: Date; survey_id: string | null })[] =
      await this.dataSource.query(
        `SELECT c.id AS cohort_id, c.name, c.programme_id, p.title AS programme_title, c.starts_at,
                s.id AS survey_id, s.title, s.anonymous, s.opens_at, s.closes_at
         FROM cohort_listing c
         JOIN programme_listing p ON p.id = c.programme_id
         LEFT JOIN survey s ON s.cohort_id = c.id
         WHERE c.id = $1`,
        [checkedId(cohortId)],
      );
    if (!row) throw new NotFound();
    if (!(await this.roster.mayManage(actor, cohortId))) throw new NotAllowed();
    const cohort = { id: row.cohort_id, name: row.name, programmeTitle: localized(row.programme_title, lang), startsAt: row.starts_at };
    if (!row.survey_id) return { purpose: 'cohort', survey: null, cohort, responses: 0, invited: null, questions: [] };
    const [invited, results] = await Promise.all([
      this.dataSource.query(RESULTS_SQL.invited, [row.cohort_id]) as Promise<{ n: number }[]>,
      this.results({ ...row, id: row.survey_id }, lang, texts, { programmeId: row.programme_id, cohortId: row.cohort_id, name: row.name, startsAt: row.starts_at }),
    ]);
    return { purpose: 'cohort', cohort, invited: invited[0].n, ...results };
  }

  /** The site's open feedback form's results (admins: the controller requires it). */
  async forSite(lang: Language, texts = TEXTS_SHOWN): Promise<SurveyResults> {
    const [survey]: SurveyRow[] = await this.dataSource.query(`SELECT id, title, anonymous, opens_at, closes_at FROM survey WHERE purpose = 'site'`);
    if (!survey) return { purpose: 'site', survey: null, cohort: null, responses: 0, invited: null, questions: [] };
    return { purpose: 'site', cohort: null, invited: null, ...(await this.results(survey, lang, texts, null)) };
  }

  private async results(
    survey: SurveyRow,
    lang: Language,
    textLimit: number,
    round: { programmeId: string; cohortId: string; name: string; startsAt: Date } | null,
  ): Promise<Pick<SurveyResults, 'survey' | 'responses' | 'questions'>> {
    const db = this.dataSource;
    const [questions, [responses], counts, byAgency, texts, comparison] = await Promise.all([
      db.query(RESULTS_SQL.questions, [survey.id]) as Promise<QuestionRow[]>,
      db.query(RESULTS_SQL.responses, [survey.id]) as Promise<{ n: number }[]>,
      db.query(RESULTS_SQL.counts, [survey.id]) as Promise<{ question_id: string; value: number | null; n: number; whole: number }[]>,
      db.query(RESULTS_SQL.byAgency, [survey.id]) as Promise<{ question_id: string; agency_id: string | null; agency: string | null; n: number; total: number }[]>,
      db.query(RESULTS_SQL.texts, [survey.id, textLimit]) as Promise<{ question_id: string; text: string; submitted_at: Date }[]>,
      round
        ? (db.query(RESULTS_SQL.comparison, [survey.id, round.programmeId, round.startsAt, round.cohortId, COMPARED_ROUNDS]) as Promise<
            { question_id: string; cohort_id: string; name: string; starts_at: Date; n: number; mean: number | null }[]
          >)
        : Promise.resolve([]),
    ]);
    const answered = new Map<string, number>();
    const valueCounts = new Map<string, Map<number, number>>();
    for (const count of counts) {
      if (count.whole) answered.set(count.question_id, count.n);
      else if (count.value !== null) {
        if (!valueCounts.has(count.question_id)) valueCounts.set(count.question_id, new Map());
        valueCounts.get(count.question_id)!.set(count.value, count.n);
      }
    }
    const groupsOf = groupBy(byAgency, (row) => row.question_id);
    const textsOf = groupBy(texts, (row) => row.question_id);
    const comparedOf = groupBy(comparison, (row) => row.question_id);

    return {
      survey: { id: survey.id, title: localized(survey.title, lang), anonymous: survey.anonymous, opensAt: survey.opens_at, closesAt: survey.closes_at },
      responses: responses.n,
      questions: questions.map((question) => {
        const values = valueCounts.get(question.id) ?? new Map<number, number>();
        const result: QuestionResult = {
          id: question.id,
          position: question.position,
          kind: question.kind,
          prompt: localized(question.prompt, lang),
          answered: answered.get(question.id) ?? 0,
          scale: null,
          choices: null,
          texts: null,
        };
        if (question.kind === 'scale') {
          const points = [1, 2, 3, 4, 5].map((point) => values.get(point) ?? 0);
          const n = points.reduce((sum, count) => sum + count, 0);
          const mean = n ? points.reduce((sum, count, i) => sum + count * (i + 1), 0) / n : null;
          const labels = [0, 1, 2, 3, 4].map((i) => (question.options[i]?.fi ? localized(question.options[i], lang) : ''));
          const earlier = (comparedOf.get(question.id) ?? []).map((row) => ({ cohortId: row.cohort_id, name: row.name, startsAt: row.starts_at, count: row.n, mean: row.mean, current: false }));
          result.scale = {
            labels,
            counts: points,
            mean,
            byAgency: agencyBreakdown((groupsOf.get(question.id) ?? []).map((row) => ({ agency: row.agency_id ? row.agency : null, count: row.n, total: row.total }))),
            comparison: round && earlier.length ? [{ cohortId: round.cohortId, name: round.name, startsAt: round.startsAt, count: n, mean, current: true }, ...earlier] : [],
          };
        } else if (question.kind === 'single_choice' || question.kind === 'multiple_choice') {
          result.choices = question.options.map((option, i) => ({ label: localized(option, lang), count: values.get(i) ?? 0 }));
        } else {
          result.texts = (textsOf.get(question.id) ?? []).map((row) => ({ text: row.text, submittedAt: row.submitted_at }));
        }
        return result;
      }),
    };
  }
}

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(row);
  }
  return groups;
}
