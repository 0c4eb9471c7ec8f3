// Registers the mails of registration for network events with the notification core: confirmed
// and promoted carry the event's invitation (.ics, METHOD:REQUEST, the same UID and SEQUENCE as the
// public feed's), a cancelled registration that held a seat and a cancelled event take it out
// again (METHOD:CANCEL). The reminder goes only while the seat and the event's time still stand.
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CONFIG, Config } from '../config/config';
import { formatDate } from '../i18n/dates';
import { helsinkiDate } from '../i18n/helsinki-time';
import { Language, translate } from '../i18n/i18n';
import { MailAttachment, MailRecipient, NotificationKinds } from '../notifications/notification-kinds';
import { EVENT_KINDS, EventKind, EventRegistrationMail } from './event-registration.kinds';
import { writeCalendar } from './ics';
import { NetworkEvent } from './network-event.entity';
import { networkCalendarEntry } from './network-events.service';

type Method = 'REQUEST' | 'CANCEL';

const INVITATIONS: Partial<Record<EventKind, (payload: EventRegistrationMail) => Method | null>> = {
  confirmed: () => 'REQUEST',
  promoted: () => 'REQUEST',
  // A cancelled registration's mail carries the status it had: only a seat put the event in the calendar.
  cancelled: (payload) => (payload.status === 'confirmed' ? 'CANCEL' : null),
  eventCancelled: (payload) => (payload.status === 'confirmed' ? 'CANCEL' : null),
};

@Injectable()
export class EventRegistrationNotifications implements OnModuleInit {
  constructor(
    private readonly kinds: NotificationKinds,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  onModuleInit() {
    for (const [kind, name] of Object.entries(EVENT_KINDS) as [EventKind, (typeof EVENT_KINDS)[EventKind]][]) {
      const invitation = INVITATIONS[kind];
      this.kinds.register({
        name,
        template: name.replace('.', '-'),
        secretLinks: [],
        ...(kind === 'reminder' ? { channels: ['email', 'off'] as const, stillValid: (payload: EventRegistrationMail) => this.reminderStillDue(payload) } : {}),
        subject: (payload: EventRegistrationMail, lang: Language) =>
          translate(lang, `mail.${name}.subject`, {
            event: payload.eventTitle,
            date: formatDate(new Date(payload.startsAt), lang, 'date'),
            position: payload.waitlistPosition ?? '',
          }),
        aboutPath: (payload: EventRegistrationMail) => `/events/${payload.eventId}`,
        ...(invitation
          ? {
              attachments: async (payload: EventRegistrationMail, lang: Language, to: MailRecipient) => {
                const method = invitation(payload);
                return method ? this.invitation(payload.eventId, lang, to, method) : [];
              },
            }
          : {}),
      });
    }
  }

  /** The seat is still held and the event still starts when the reminder was planned for. */
  private async reminderStillDue(payload: EventRegistrationMail): Promise<boolean> {
    const [row]: { ok: boolean }[] = await this.dataSource.query(
      `SELECT true AS ok FROM event_registration r JOIN network_event e ON e.id = r.event_id
        WHERE r.id = $1 AND r.status = 'confirmed' AND e.status <> 'cancelled' AND e.starts_at = $2`,
      [payload.registrationId, payload.startsAt],
    );
    return !!row;
  }

  private async invitation(eventId: string, lang: Language, to: MailRecipient, method: Method): Promise<MailAttachment[]> {
    const event = await this.dataSource.manager.findOne(NetworkEvent, { where: { id: eventId } });
    if (!event) return [];
    const organizer = { name: 'Verso', email: /<([^>]+)>/.exec(this.config.mailFrom)?.[1] ?? this.config.mailFrom };
    return [
      {
        filename: `${translate(lang, 'calendar.invitation.filename')}-${helsinkiDate(event.startsAt)}.ics`,
        contentType: `text/calendar; charset=utf-8; method=${method}`,
        content: writeCalendar([networkCalendarEntry(event, lang, this.config.baseUrl)], { method, organizer, attendee: to.email ? { email: to.email, name: to.name } : undefined }),
      },
    ];
  }
}
