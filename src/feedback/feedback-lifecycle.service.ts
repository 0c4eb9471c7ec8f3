// Owns a round's survey's life: every 5 minutes (JobName.FeedbackSurveys) a survey with questions
// whose round's last scheduled session has ended opens (at that end, for its open days) and its
// participants are invited; once, when 3 days (or half the open period, if shorter) are left,
// those who have not answered are reminded. A survey without questions never opens. Each step marks
// the survey in the same transaction as it queues the mails, with a conditional UPDATE … RETURNING,
// so a rerun, a retry or a second worker sends nothing twice.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Language, localized, LocalizedText } from '../i18n/i18n';
import { NotificationsService } from '../notifications/notifications.service';
import { JobHandler } from '../queue/job-handler.decorator';
import { JobName } from '../queue/jobs';
import { FEEDBACK_KINDS, FeedbackMail } from './feedback.notifications';

/** The one reminder goes when this much is left before closing, or half the open period if that is shorter. */
export const REMINDER_BEFORE_CLOSING = '3 days';
const BATCH = 200;

interface Participant {
  id: string;
  email: string;
  display_name: string;
  language: Language;
}

@Injectable()
export class FeedbackLifecycleService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly notifications: NotificationsService,
  ) {}

  @JobHandler(JobName.FeedbackSurveys)
  async run(): Promise<{ opened: number; reminded: number }> {
    const due: { id: string; ends_at: Date }[] = await this.dataSource.query(
      `SELECT s.id, last.ends_at
       FROM survey s
       JOIN cohort_listing c ON c.id = s.cohort_id AND c.status <> 'cancelled'
       CROSS JOIN LATERAL (SELECT max(x.ends_at) AS ends_at FROM session_listing x WHERE x.cohort_id = s.cohort_id AND x.status = 'scheduled') last
       WHERE s.purpose = 'cohort' AND s.opens_at IS NULL AND last.ends_at <= now()
         AND EXISTS (SELECT 1 FROM survey_question q WHERE q.survey_id = s.id)
       ORDER BY last.ends_at LIMIT ${BATCH}`,
    );
    let opened = 0;
    for (const survey of due) if (await this.open(survey.id, survey.ends_at)) opened++;

    const closing: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM survey
       WHERE purpose = 'cohort' AND invited_at IS NOT NULL AND reminded_at IS NULL AND now() < closes_at
         AND now() >= closes_at - least($1::interval, (closes_at - opens_at) / 2)
       ORDER BY closes_at LIMIT ${BATCH}`,
      [REMINDER_BEFORE_CLOSING],
    );
    let reminded = 0;
    for (const survey of closing) if (await this.remind(survey.id)) reminded++;
    return { opened, reminded };
  }

  /** Opens one survey and invites its round's participants, unless another run did already. */
  private async open(surveyId: string, endsAt: Date): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      // An UPDATE answers [rows, count] through TypeORM.
      const [[survey]]: [{ id: string; cohort_id: string; closes_at: Date; still_open: boolean }[], number] = await manager.query(
        `UPDATE survey SET opens_at = $2, closes_at = $2::timestamptz + open_days * interval '1 day', invited_at = now(), updated_at = now()
         WHERE id = $1 AND opens_at IS NULL AND invited_at IS NULL
         RETURNING id, cohort_id, closes_at, now() < closes_at AS still_open`,
        [surveyId, endsAt],
      );
      if (!survey) return false;
      // A survey whose whole open period is already past (made long after its round) opens and closes with no mail.
      if (survey.still_open) await this.tell(manager, FEEDBACK_KINDS.invitation, survey.id, survey.cohort_id, survey.closes_at, { onlyUnanswered: false });
      return true;
    });
  }

  private async remind(surveyId: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const [[survey]]: [{ id: string; cohort_id: string; closes_at: Date }[], number] = await manager.query(
        `UPDATE survey SET reminded_at = now(), updated_at = now() WHERE id = $1 AND reminded_at IS NULL AND invited_at IS NOT NULL AND now() < closes_at RETURNING id, cohort_id, closes_at`,
        [surveyId],
      );
      if (!survey) return false;
      await this.tell(manager, FEEDBACK_KINDS.reminder, survey.id, survey.cohort_id, survey.closes_at, { onlyUnanswered: true });
      return true;
    });
  }

  /** Queues the mail to each active participant who holds or held a seat, each in their own language. */
  private async tell(manager: EntityManager, kind: (typeof FEEDBACK_KINDS)[keyof typeof FEEDBACK_KINDS], surveyId: string, cohortId: string, closesAt: Date, options: { onlyUnanswered: boolean }) {
    const [cohort]: { name: string; title: LocalizedText }[] = await manager.query(
      `SELECT c.name, p.title FROM cohort_listing c JOIN programme_listing p ON p.id = c.programme_id WHERE c.id = $1`,
      [cohortId],
    );
    const people: Participant[] = await manager.query(
      `SELECT u.id, u.email, u.display_name, u.language
       FROM cohort_member m JOIN person u ON u.id = m.user_id AND u.status = 'active'
       WHERE m.cohort_id = $1 AND m.role = 'participant' AND m.is_in
         AND NOT ($3 AND EXISTS (SELECT 1 FROM survey_respondent r WHERE r.survey_id = $2 AND r.user_id = m.user_id))
       ORDER BY u.id`,
      [cohortId, surveyId, options.onlyUnanswered],
    );
    await this.notifications.notifyAll(
      kind,
      people.map((person) => ({
        recipient: { userId: person.id, email: person.email, name: person.display_name, language: person.language },
        payload: {
          surveyId,
          cohortId,
          userId: person.id,
          cohortName: cohort.name,
          programmeTitle: localized(cohort.title, person.language),
          closesAt: closesAt.toISOString(),
        } satisfies FeedbackMail,
        key: `${kind}-${surveyId}-${person.id}`,
      })),
      { manager },
    );
  }
}
