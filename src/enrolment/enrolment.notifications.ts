// The notification kinds of enrolment, registered with the notification core at start. Each has
// its templates under views/mail/<kind with dots as dashes>.{html,text}.hbs and a subject in
// mail.<kind>.subject; payloads carry the cohort's name and the enrolment's status and place, and
// the templates link to the cohort's page (<baseUrl>/cohorts/<cohortId>).
import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { translate } from '../i18n/i18n';
import { NotificationKinds } from '../notifications/notification-kinds';

export const ENROLMENT_KINDS = {
  'enrolment.confirmed': 'enrolment.confirmed',
  'enrolment.waitlisted': 'enrolment.waitlisted',
  'enrolment.promoted': 'enrolment.promoted',
  'enrolment.cancelled': 'enrolment.cancelled',
  'enrolment.pending': 'enrolment.pending',
  'enrolment.approval-requested': 'enrolment.approval-requested',
  'enrolment.approved': 'enrolment.approved',
  'enrolment.declined': 'enrolment.declined',
} as const;
export type EnrolmentKind = keyof typeof ENROLMENT_KINDS;

@Injectable()
export class EnrolmentNotifications implements OnModuleInit {
  constructor(
    private readonly kinds: NotificationKinds,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  onModuleInit() {
    for (const name of Object.values(ENROLMENT_KINDS)) {
      this.kinds.register({
        name,
        template: name.replace(/\./g, '-'),
        // The approval link is the manager's permission: whoever holds it answers.
        secretLinks: name === ENROLMENT_KINDS['enrolment.approval-requested'] ? ['approvalUrl'] : [],
        subject: (payload, lang) =>
          translate(lang, `mail.${name}.subject`, { cohort: payload.cohortName, position: payload.waitlistPosition, person: payload.personName }),
        // A manager is not sent a link that no longer works: the person cancelled before the mail left.
        stillValid: name === ENROLMENT_KINDS['enrolment.approval-requested'] ? (payload) => this.stillPending(payload) : undefined,
      });
    }
  }

  private async stillPending(payload: Record<string, unknown>): Promise<boolean> {
    const [row] = await this.dataSource.query(`SELECT 1 FROM enrolment WHERE id = $1 AND status = 'pending_approval'`, [payload.enrolmentId]);
    return !!row;
  }
}
