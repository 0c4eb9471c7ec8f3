// The notification kinds of enrolment, registered with the notification core at start. Each has
// its templates under views/mail/<kind with dots as dashes>.{html,text}.hbs and a subject in
// mail.<kind>.subject; payloads carry the cohort's name and the enrolment's status and place.
import { Injectable, OnModuleInit } from '@nestjs/common';
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
  constructor(private readonly kinds: NotificationKinds) {}

  onModuleInit() {
    for (const name of Object.values(ENROLMENT_KINDS)) {
      this.kinds.register({
        name,
        template: name.replace(/\./g, '-'),
        subject: (payload, lang) => translate(lang, `mail.${name}.subject`, { cohort: payload.cohortName, position: payload.waitlistPosition }),
      });
    }
  }
}
