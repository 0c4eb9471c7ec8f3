// The mail of "tell me when the next round opens", registered with the notification core at start:
// templates views/mail/programme-round-opened.{html,text}.hbs, subject mail.programme.round-opened.subject.
// The payload carries the round as it was published (its name, first session, enrolment window) and
// the templates link to the round's page (<baseUrl>/cohorts/<cohortId>).
import { Injectable, OnModuleInit } from '@nestjs/common';
import { programmeAndCohort } from '../i18n/cohort-name';
import { translate } from '../i18n/i18n';
import { NotificationKinds } from '../notifications/notification-kinds';

export const ROUND_OPENED_KIND = 'programme.round-opened';

export type RoundOpenedMail = {
  cohortId: string;
  programmeId: string;
  cohortName: string;
  /** In the recipient's language. */
  programmeTitle: string;
  /** ISO text once stored. */
  startsAt: Date | string;
  enrolmentOpensAt: Date | string;
  enrolmentClosesAt: Date | string;
};

declare module '../notifications/notification-kinds' {
  interface NotificationPayloads {
    'programme.round-opened': RoundOpenedMail;
  }
}

@Injectable()
export class ProgrammeInterestNotifications implements OnModuleInit {
  constructor(private readonly kinds: NotificationKinds) {}

  onModuleInit() {
    this.kinds.register({
      name: ROUND_OPENED_KIND,
      template: 'programme-round-opened',
      secretLinks: [],
      subject: (payload, lang) => translate(lang, 'mail.programme.round-opened.subject', { round: programmeAndCohort(payload.programmeTitle, payload.cohortName, lang) }),
      aboutPath: (payload) => `/cohorts/${payload.cohortId}`,
    });
  }
}
