// The notification kinds of feedback surveys, registered with the notification core at start: the
// invitation when a round's survey opens, and the one reminder before it closes to those who have
// not answered. Both link to the answer page; neither goes once it is no longer true (the survey
// closed, or the person answered before the reminder left).
import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { formatDate } from '../i18n/dates';
import { Language, translate } from '../i18n/i18n';
import { programmeAndCohort } from '../i18n/cohort-name';
import { NotificationKinds } from '../notifications/notification-kinds';

export const FEEDBACK_KINDS = {
  invitation: 'feedback.invitation',
  reminder: 'feedback.reminder',
} as const;

/** A round's survey, for one of its participants; `programmeTitle` in their language, `closesAt` ISO text. */
export type FeedbackMail = {
  surveyId: string;
  cohortId: string;
  userId: string;
  cohortName: string;
  programmeTitle: string;
  closesAt: string;
};

declare module '../notifications/notification-kinds' {
  interface NotificationPayloads {
    [FEEDBACK_KINDS.invitation]: FeedbackMail;
    [FEEDBACK_KINDS.reminder]: FeedbackMail;
  }
}

export const feedbackPath = (payload: Record<string, unknown>): string | null => (typeof payload.cohortId === 'string' ? `/cohorts/${payload.cohortId}/feedback` : null);

@Injectable()
export class FeedbackNotifications implements OnModuleInit {
  constructor(
    private readonly kinds: NotificationKinds,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  onModuleInit() {
    const subject = (name: string) => (payload: FeedbackMail, lang: Language) =>
      translate(lang, `mail.${name}.subject`, {
        round: programmeAndCohort(payload.programmeTitle, payload.cohortName, lang),
        date: formatDate(new Date(payload.closesAt), lang, 'date'),
      });
    this.kinds.register({
      name: FEEDBACK_KINDS.invitation,
      template: 'feedback-invitation',
      secretLinks: [],
      subject: subject(FEEDBACK_KINDS.invitation),
      stillValid: (payload) => this.stillOpen(payload, false),
      aboutPath: feedbackPath,
    });
    this.kinds.register({
      name: FEEDBACK_KINDS.reminder,
      template: 'feedback-reminder',
      secretLinks: [],
      // A reminder in tomorrow's digest might come after closing: by itself, or not at all.
      channels: ['email', 'off'],
      subject: subject(FEEDBACK_KINDS.reminder),
      stillValid: (payload) => this.stillOpen(payload, true),
      aboutPath: feedbackPath,
    });
  }

  /** The survey is still open (and, for a reminder, the person has not answered meanwhile). */
  private async stillOpen(payload: FeedbackMail, unansweredOnly: boolean): Promise<boolean> {
    const [row]: { ok: boolean }[] = await this.dataSource.query(
      `SELECT now() < s.closes_at AND NOT ($3 AND EXISTS (SELECT 1 FROM survey_respondent r WHERE r.survey_id = s.id AND r.user_id = $2)) AS ok FROM survey s WHERE s.id = $1`,
      [payload.surveyId, payload.userId, unansweredOnly],
    );
    return !!row?.ok;
  }
}
