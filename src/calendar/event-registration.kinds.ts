// The notification kinds of registration for network events and what their mails carry; the
// templates are views/mail/event-<name>.{html,text}.hbs (event-registration.notifications.ts).
import { EventRegistrationStatus } from './event-registration.entity';

export const EVENT_KINDS = {
  confirmed: 'event.registration-confirmed',
  waitlisted: 'event.registration-waitlisted',
  promoted: 'event.registration-promoted',
  cancelled: 'event.registration-cancelled',
  /** The day before, to confirmed people (planned with a key, cancelled with the seat). */
  reminder: 'event.registration-reminder',
  /** The event itself was cancelled, to everyone registered. */
  eventCancelled: 'event.cancelled',
} as const;
export type EventKind = keyof typeof EVENT_KINDS;

/** What a registration mail carries; the title in the recipient's language, times as ISO text. */
export type EventRegistrationMail = {
  eventId: string;
  registrationId: string;
  eventTitle: string;
  startsAt: string;
  endsAt: string;
  place: string | null;
  status: EventRegistrationStatus;
  waitlistPosition: number | null;
  /** cancelled: whether the person cancelled it themself (else an admin did). */
  byThemself: boolean | null;
};

declare module '../notifications/notification-kinds' {
  interface NotificationPayloads extends Record<(typeof EVENT_KINDS)[EventKind], EventRegistrationMail> {}
}
