// Owns answering surveys: a round's survey by those who hold or held a seat in it (confirmed or
// completed, enrolment's cohort_member view), while it is open; and the site's open form by anyone,
// signed in or not. One answer per person to a round's survey: a named answer may be changed until
// the survey closes; an anonymous one is stored without the person (survey_respondent records only
// that they answered) and so cannot be changed afterwards — finding it again would need the link
// between the answer and the person that anonymity leaves out. Every answer is checked against its
// question before anything is written, and written in one transaction: all or nothing.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../access/capabilities';
import { FieldErrors, NotAllowed, NotFound, Refused, withValues } from '../errors/domain-errors';
import { Language, LocalizedText } from '../i18n/i18n';
import { QuestionRow, SCALE_POINTS, SurveyRow, SurveyService } from './survey.service';

export const MAX_SHORT_TEXT = 500;
export const MAX_LONG_TEXT = 5000;

/** One question's answer as stored. */
export interface AnswerValue {
  scaleValue: number | null;
  choices: number[] | null;
  text: string | null;
}

/** The form's name for a question's input. */
export const answerField = (questionId: string) => `q-${questionId}`;
/** A multiple-choice question's checkbox for one option (a form never sends a name twice: web/input-guard.ts). */
export const choiceField = (questionId: string, option: number) => `${answerField(questionId)}-${option}`;
const CHOICE_FIELD = /^(q-[0-9a-f-]{36})-(\d{1,4})$/;

export type SurveyState = 'notOpen' | 'open' | 'closed';

/** A round's survey as the person answering it sees it. */
export interface AnswerPage {
  survey: SurveyRow;
  questions: QuestionRow[];
  cohort: { id: string; name: string; programmeTitle: LocalizedText };
  state: SurveyState;
  /** They answered already: an anonymous survey takes no more, a named one shows their answer to change. */
  answered: boolean;
  /** A named survey's earlier answer, by question id. */
  previous: Record<string, AnswerValue>;
}

/** The open feedback form for home pages: a round's survey the person may answer now. */
export interface OpenSurvey {
  cohortId: string;
  cohortName: string;
  programmeTitle: LocalizedText;
  closesAt: Date;
  answered: boolean;
  anonymous: boolean;
}

@Injectable()
export class AnswersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly surveys: SurveyService,
  ) {}

  /** The answer page of a round's survey, for one of its participants. */
  async answerPage(actor: Actor, cohortId: string): Promise<AnswerPage> {
    const db = this.dataSource.manager;
    const { survey, cohort } = await this.mustAnswer(db, actor, cohortId);
    const [respondent] = await db.query(`SELECT 1 FROM survey_respondent WHERE survey_id = $1 AND user_id = $2`, [survey.id, actor.id]);
    const previous: Record<string, AnswerValue> = {};
    if (!survey.anonymous) {
      const rows: (AnswerValue & { questionId: string })[] = await db.query(
        `SELECT a.question_id AS "questionId", a.scale_value AS "scaleValue", a.choices, a.text
         FROM survey_answer a JOIN survey_response r ON r.id = a.response_id WHERE r.survey_id = $1 AND r.user_id = $2`,
        [survey.id, actor.id],
      );
      for (const row of rows) previous[row.questionId] = { scaleValue: row.scaleValue, choices: row.choices, text: row.text };
    }
    return { survey, questions: await this.surveys.questions(db, survey.id), cohort, state: await this.stateOf(db, survey), answered: !!respondent, previous };
  }

  /** Stores (or, for a named survey, replaces) the person's answer; all of it or nothing. */
  async answer(actor: Actor, cohortId: string, body: unknown, lang: Language): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const { survey } = await this.mustAnswer(manager, actor, cohortId, { lock: true });
      const state = await this.stateOf(manager, survey);
      if (state === 'notOpen') throw new Refused('feedback.answer.notOpen');
      if (state === 'closed') throw new Refused('feedback.answer.closed');
      const questions = await this.surveys.questions(manager, survey.id);
      const answers = answersOf(questions, body);
      const [first] = await manager.query(`INSERT INTO survey_respondent (survey_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING user_id`, [survey.id, actor.id]);
      if (!first && survey.anonymous) throw new Refused('feedback.answer.alreadyAnonymous');
      if (!survey.anonymous) await manager.query(`DELETE FROM survey_response WHERE survey_id = $1 AND user_id = $2`, [survey.id, actor.id]);
      await this.insertResponse(manager, survey.id, survey.anonymous ? null : actor.id, actor.agencyId, lang, answers);
    });
  }

  /** The site's open form. */
  async siteForm(): Promise<{ survey: SurveyRow; questions: QuestionRow[] }> {
    return this.dataSource.transaction(async (manager) => {
      const survey = await this.surveys.siteSurvey(manager);
      return { survey, questions: await this.surveys.questions(manager, survey.id) };
    });
  }

  /** An answer to the site's form, by anyone; the person is kept only if the form is not anonymous and they are signed in. */
  async answerSite(viewer: Actor | null, body: unknown, lang: Language): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const survey = await this.surveys.siteSurvey(manager);
      const answers = answersOf(await this.surveys.questions(manager, survey.id), body);
      await this.insertResponse(manager, survey.id, survey.anonymous ? null : (viewer?.id ?? null), viewer?.agencyId ?? null, lang, answers);
    });
  }

  /**
   * The rounds' surveys open now that the person may still act on, soonest closing first: they hold
   * or held a seat, and have not answered (or answered a named survey, which they may still change).
   */
  async openFor(userId: string): Promise<OpenSurvey[]> {
    return this.dataSource.query(
      `SELECT c.id AS "cohortId", c.name AS "cohortName", p.title AS "programmeTitle", s.closes_at AS "closesAt", s.anonymous,
              EXISTS (SELECT 1 FROM survey_respondent r WHERE r.survey_id = s.id AND r.user_id = $1) AS answered
       FROM survey s
       JOIN cohort_member m ON m.cohort_id = s.cohort_id AND m.user_id = $1 AND m.role = 'participant' AND m.is_in
       JOIN cohort_listing c ON c.id = s.cohort_id JOIN programme_listing p ON p.id = c.programme_id
       WHERE s.purpose = 'cohort' AND s.opens_at <= now() AND now() < s.closes_at
         AND NOT (s.anonymous AND EXISTS (SELECT 1 FROM survey_respondent r WHERE r.survey_id = s.id AND r.user_id = $1))
       ORDER BY s.closes_at`,
      [userId],
    );
  }

  /** Whether the person holds or held a seat in the round (confirmed or completed). */
  async isParticipant(manager: EntityManager, cohortId: string, userId: string): Promise<boolean> {
    const [row] = await manager.query(`SELECT 1 FROM cohort_member WHERE cohort_id = $1 AND user_id = $2 AND role = 'participant' AND is_in`, [cohortId, userId]);
    return !!row;
  }

  private async mustAnswer(manager: EntityManager, actor: Actor, cohortId: string, options: { lock?: boolean } = {}) {
    const cohort = await this.surveys.cohortOf(manager, cohortId);
    const [survey] = await this.surveys.surveys(manager, `s.cohort_id = $1`, [cohort.id], options.lock);
    if (!survey) throw new NotFound();
    if (!(await this.isParticipant(manager, cohort.id, actor.id))) throw new NotAllowed('feedback.answer.notParticipant');
    return { survey, cohort };
  }

  private async stateOf(manager: EntityManager, survey: SurveyRow): Promise<SurveyState> {
    if (!survey.opensAt || !survey.closesAt) return 'notOpen';
    const [{ state }]: { state: SurveyState }[] = await manager.query(
      `SELECT CASE WHEN now() < $1::timestamptz THEN 'notOpen' WHEN now() < $2::timestamptz THEN 'open' ELSE 'closed' END AS state`,
      [survey.opensAt, survey.closesAt],
    );
    return state;
  }

  private async insertResponse(manager: EntityManager, surveyId: string, userId: string | null, agencyId: string | null, lang: Language, answers: Map<string, AnswerValue>): Promise<void> {
    const [response]: { id: string }[] = await manager.query(`INSERT INTO survey_response (survey_id, user_id, agency_id, language) VALUES ($1, $2, $3, $4) RETURNING id`, [
      surveyId,
      userId,
      agencyId,
      lang,
    ]);
    for (const [questionId, answer] of answers) {
      await manager.query(`INSERT INTO survey_answer (response_id, question_id, scale_value, choices, text) VALUES ($1, $2, $3, $4, $5)`, [
        response.id,
        questionId,
        answer.scaleValue,
        answer.choices,
        answer.text,
      ]);
    }
  }
}

/** A form value as its text; null when it is not text. */
function valuesOf(value: unknown): string[] | null {
  if (value === undefined) return [];
  if (typeof value === 'string') return [value];
  return null;
}

const WHOLE_NUMBER = /^\s*\d{1,3}\s*$/;

/**
 * The answers a form sends, checked against the questions: a message per question at fault (under
 * its input's name), unknown fields refused, unanswered optional questions left out.
 */
export function answersOf(questions: QuestionRow[], body: unknown): Map<string, AnswerValue> {
  const fields = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const problems: Record<string, string> = {};
  const known = new Set(questions.map((question) => answerField(question.id)));
  const multiple = new Set(questions.filter((question) => question.kind === 'multiple_choice').map((question) => answerField(question.id)));
  // A multiple-choice question's ticked boxes, as option numbers (an unknown one is the question's fault).
  const ticked = new Map<string, string[]>();
  for (const [name, value] of Object.entries(fields)) {
    if (name === '_csrf' || known.has(name)) continue;
    const box = CHOICE_FIELD.exec(name);
    if (box && multiple.has(box[1])) {
      if (typeof value !== 'string') problems[box[1]] = 'feedback.answer.invalid';
      else if (value.trim() !== '') ticked.set(box[1], [...(ticked.get(box[1]) ?? []), box[2]]);
    } else problems[name] = 'form.unknownField';
  }
  const answers = new Map<string, AnswerValue>();
  for (const question of questions) {
    const name = answerField(question.id);
    if (problems[name]) continue;
    const values = question.kind === 'multiple_choice' ? (fields[name] === undefined ? (ticked.get(name) ?? []) : null) : valuesOf(fields[name]);
    if (values === null) {
      problems[name] = 'feedback.answer.invalid';
      continue;
    }
    const given = values.filter((value) => value.trim() !== '');
    if (given.length === 0) {
      if (question.required) problems[name] = 'feedback.answer.required';
      continue;
    }
    if (question.kind === 'short_text' || question.kind === 'long_text') {
      const max = question.kind === 'short_text' ? MAX_SHORT_TEXT : MAX_LONG_TEXT;
      if (given.length > 1) problems[name] = 'feedback.answer.invalid';
      else if (given[0].length > max) problems[name] = withValues('feedback.answer.tooLong', { max, length: given[0].length });
      else answers.set(question.id, { scaleValue: null, choices: null, text: given[0] });
      continue;
    }
    const numbers = given.map((value) => (WHOLE_NUMBER.test(value) ? Number(value) : NaN));
    if (question.kind === 'scale') {
      if (numbers.length !== 1 || !(numbers[0] >= 1 && numbers[0] <= SCALE_POINTS)) problems[name] = withValues('feedback.answer.scaleRange', { max: SCALE_POINTS });
      else answers.set(question.id, { scaleValue: numbers[0], choices: null, text: null });
      continue;
    }
    const options = question.options.length;
    if (numbers.some((n) => !(n >= 0 && n < options)) || new Set(numbers).size !== numbers.length || (question.kind === 'single_choice' && numbers.length !== 1)) {
      problems[name] = 'feedback.answer.unknownOption';
      continue;
    }
    answers.set(question.id, { scaleValue: null, choices: [...numbers].sort((a, b) => a - b), text: null });
  }
  if (Object.keys(problems).length) throw new FieldErrors(problems);
  return answers;
}
