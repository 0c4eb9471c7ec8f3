// The notification kinds of calendars and reminders, registered with the notification core at
// start: the reminder before a session, "a session was added", "moved" or "cancelled", each with
// its templates under views/mail/. It also adds calendar invitations (.ics) to enrolment's mails,
// which enrolment itself knows nothing about: a confirmed place brings the round's sessions into
// the person's calendar, a cancelled one takes them out again. One invitation per session, as iTIP
// wants one event (UID) per message and Outlook reads only the first of several.
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CONFIG, Config } from '../config/config';
import { formatDate } from '../i18n/dates';
import { helsinkiDate } from '../i18n/helsinki-time';
import { Language, translate } from '../i18n/i18n';
import { programmeAndCohort } from '../i18n/cohort-name';
import { cohortPath, ENROLMENT_KINDS, EnrolmentMail } from '../enrolment/enrolment.notifications';
import { MailAttachment, MailRecipient, NotificationKinds } from '../notifications/notification-kinds';
import { CalendarEvent, writeCalendar } from './ics';
import { REMINDER_KINDS, RemindersService, SessionMail } from './reminders.service';
import { SessionCalendarService } from './session-calendar.service';

type Method = 'REQUEST' | 'CANCEL';

/** Which session a mail is about and for whom; refresh adds the session as it is when the mail goes. */
type AboutSession = { sessionId: string; cohortId: string; userId: string } & Partial<Omit<SessionMail, 'sessionId' | 'cohortId' | 'startsAt'>>;

/** A reminder, planned inside PostgreSQL (sql/reminder-planning.sql) for the session's time then. */
export type SessionReminderMail = AboutSession & {
  offsetMinutes: number;
  /** As planned (ISO text); the session's start as it is now once refreshed, which must be the same instant. */
  startsAt: string | Date;
};

/** A session added, moved or cancelled (RemindersService.tellEveryone); the session's time comes with refresh. */
export type SessionChangeMail = AboutSession & {
  previousStartsAt: Date | string | null;
  previousEndsAt: Date | string | null;
  reason: string | null;
  startsAt?: Date;
};

/** A round cancelled, to everyone who was in it or waiting (RemindersService.tellRoundCancelled). */
export type CohortCancelledMail = { cohortId: string; cohortName: string; programmeTitle: string; hadSeat: boolean };

declare module '../notifications/notification-kinds' {
  interface NotificationPayloads {
    [REMINDER_KINDS.reminder]: SessionReminderMail;
    [REMINDER_KINDS.added]: SessionChangeMail;
    [REMINDER_KINDS.moved]: SessionChangeMail;
    [REMINDER_KINDS.cancelled]: SessionChangeMail;
    [REMINDER_KINDS.cohortCancelled]: CohortCancelledMail;
  }
}

@Injectable()
export class ReminderNotifications implements OnModuleInit {
  constructor(
    private readonly kinds: NotificationKinds,
    private readonly reminders: RemindersService,
    private readonly calendar: SessionCalendarService,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  onModuleInit() {
    const subject = (name: string) => (payload: { programmeTitle?: string; cohortName?: string; startsAt?: Date | string }, lang: Language) =>
      translate(lang, `mail.${name}.subject`, {
        round: programmeAndCohort(payload.programmeTitle, payload.cohortName, lang),
        date: payload.startsAt ? formatDate(new Date(payload.startsAt), lang, 'date') : '',
        time: payload.startsAt ? formatDate(new Date(payload.startsAt), lang, 'time') : '',
      });
    this.kinds.register({
      name: REMINDER_KINDS.reminder,
      template: 'session-reminder',
      secretLinks: [],
      // A reminder in tomorrow's digest would come too late: by itself, or not at all.
      channels: ['email', 'off'],
      subject: subject(REMINDER_KINDS.reminder),
      refresh: (payload, lang) => this.reminders.refreshReminder(payload, lang),
      aboutPath: cohortPath,
    });
    // A session added, moved or cancelled: the mail says so and carries the invitation that adds,
    // updates or removes it; it goes only while still true (refresh).
    const changes = [
      { name: REMINDER_KINDS.added, method: 'REQUEST', refresh: this.reminders.refreshScheduled },
      { name: REMINDER_KINDS.moved, method: 'REQUEST', refresh: this.reminders.refreshScheduled },
      { name: REMINDER_KINDS.cancelled, method: 'CANCEL', refresh: this.reminders.refreshCancelled },
    ] as const;
    for (const change of changes) {
      this.kinds.register({
        name: change.name,
        template: change.name.replace('.', '-'),
        secretLinks: [],
        subject: subject(change.name),
        refresh: (payload, lang) => change.refresh.call(this.reminders, payload, lang),
        attachments: (payload, lang, to) => this.sessionInvitation(payload, lang, to, change.method),
        aboutPath: cohortPath,
      });
    }

    this.kinds.register({
      name: REMINDER_KINDS.cohortCancelled,
      template: 'cohort-cancelled',
      secretLinks: [],
      subject: subject(REMINDER_KINDS.cohortCancelled),
      aboutPath: cohortPath,
      // The sessions leave the calendars of those who had them.
      attachments: async (payload, lang, to) => (payload.hadSeat ? this.invitations(await this.calendar.cohortEvents(payload.cohortId, lang), lang, to, 'CANCEL') : []),
    });

    // The digest lists the person's sessions of the coming week.
    this.kinds.provideUpcomingSessions((userId, from, until, lang) => this.calendar.upcomingFor(userId, from, until, lang));

    for (const kind of [ENROLMENT_KINDS['enrolment.confirmed'], ENROLMENT_KINDS['enrolment.promoted'], ENROLMENT_KINDS['enrolment.approved'], ENROLMENT_KINDS['enrolment.offer-accepted']]) {
      this.kinds.addAttachments(kind, async (payload, lang, to) =>
        payload.status === 'confirmed' ? this.invitations(await this.calendar.cohortEvents(payload.cohortId, lang), lang, to, 'REQUEST') : [],
      );
    }
    this.kinds.addAttachments(ENROLMENT_KINDS['enrolment.cancelled'], async (payload, lang, to) =>
      (await this.heldASeat(payload)) ? this.invitations(await this.calendar.cohortEvents(payload.cohortId, lang), lang, to, 'CANCEL') : [],
    );
  }

  private async sessionInvitation(payload: SessionChangeMail, lang: Language, to: MailRecipient, method: Method): Promise<MailAttachment[]> {
    return this.invitations(await this.calendar.sessionEvents([payload.sessionId], lang), lang, to, method);
  }

  /** A cancelled enrolment had sessions in the person's calendar only if it had been confirmed. */
  private async heldASeat(payload: EnrolmentMail): Promise<boolean> {
    const [row]: { held: boolean }[] = await this.dataSource.query(`SELECT held_seat_until_cancelled($1) AS held`, [payload.enrolmentId]);
    return row.held;
  }

  private invitations(events: CalendarEvent[], lang: Language, to: MailRecipient, method: Method): MailAttachment[] {
    const organizer = { name: 'Verso', email: /<([^>]+)>/.exec(this.config.mailFrom)?.[1] ?? this.config.mailFrom };
    return events.map((event) => ({
      filename: `${translate(lang, 'calendar.invitation.filename')}-${helsinkiDate(event.startsAt)}.ics`,
      contentType: `text/calendar; charset=utf-8; method=${method}`,
      content: writeCalendar([event], { method, organizer, attendee: to.email ? { email: to.email, name: to.name } : undefined }),
    }));
  }
}
