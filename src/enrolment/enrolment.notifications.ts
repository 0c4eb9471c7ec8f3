// The notification kinds of enrolment, registered with the notification core at start. Each has
// its templates under views/mail/<kind with dots as dashes>.{html,text}.hbs and a subject in
// mail.<kind>.subject; payloads carry the cohort's name and the enrolment's status and place, and
// the templates link to the cohort's page (<baseUrl>/cohorts/<cohortId>).
import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { LocalizedText, translate } from '../i18n/i18n';
import { programmeAndCohort } from '../i18n/cohort-name';
import { NotificationKinds } from '../notifications/notification-kinds';
import { agencyCapReached } from './agency-cap';
import { EnrolmentStatus } from './enrolment.entity';

export const ENROLMENT_KINDS = {
  'enrolment.confirmed': 'enrolment.confirmed',
  'enrolment.waitlisted': 'enrolment.waitlisted',
  'enrolment.promoted': 'enrolment.promoted',
  'enrolment.cancelled': 'enrolment.cancelled',
  'enrolment.pending': 'enrolment.pending',
  'enrolment.approval-requested': 'enrolment.approval-requested',
  'enrolment.approved': 'enrolment.approved',
  'enrolment.declined': 'enrolment.declined',
  /** To the manager, once, three days after the request: a fresh link (the earlier one stops working). */
  'enrolment.approval-reminder': 'enrolment.approval-reminder',
  /** To the person: nobody answered before the request lapsed, so they have no place. */
  'enrolment.approval-lapsed': 'enrolment.approval-lapsed',
  /** A freed seat offered to the next in line (a round with seat_offer_hours): the one-time link to claim or decline it, and the deadline. */
  'enrolment.offered': 'enrolment.offered',
  'enrolment.offer-accepted': 'enrolment.offer-accepted',
  'enrolment.offer-declined': 'enrolment.offer-declined',
  /** Nobody claimed the offered seat by its deadline: it went to the next in line. */
  'enrolment.offer-lapsed': 'enrolment.offer-lapsed',
} as const;
export type EnrolmentKind = keyof typeof ENROLMENT_KINDS;

/**
 * What an enrolment mail carries. EnrolmentService.notify writes it; enrolment_enrol
 * (sql/enrol.sql) writes the confirmed and waitlisted ones inside PostgreSQL: keep the two alike.
 */
export type EnrolmentMail = {
  enrolmentId: string;
  cohortId: string;
  cohortName: string;
  /** In the recipient's language; the programme's title in every language when enrolment_enrol wrote it. */
  programmeTitle: string | LocalizedText;
  /** When the round starts: its ISO text once stored. */
  startsAt: Date | string;
  status: EnrolmentStatus;
  waitlistPosition: number | null;
  /** The agency's cap when that is why the person waits; added when the mail goes if enrolment_enrol wrote it. */
  agencySeatCap?: number | null;
  agencySeatCapIsOne?: boolean;
} & EnrolmentMailExtras;

/** What some kinds add to an enrolment mail. */
export type EnrolmentMailExtras = {
  /** To the manager (approval-requested, approval-reminder): the link that is their permission, and whose request it is. */
  approvalUrl?: string;
  personName?: string;
  /** approval-reminder: when the fresh link stops working; offered: the deadline to claim the seat. */
  expiresAt?: Date | string | null;
  /** offered: the person's one-time link to accept or decline the seat (whoever holds it answers). */
  offerUrl?: string;
  /** To the person (pending, approval-lapsed): whom the request went to. */
  managerEmail?: string | null;
  /** cancelled: why, and whether the person cancelled it themself. */
  reason?: string | null;
  byThemself?: boolean;
};

declare module '../notifications/notification-kinds' {
  interface NotificationPayloads extends Record<EnrolmentKind, EnrolmentMail> {}
}

/** The round's page, for a message about a place in it. */
export const cohortPath = (payload: Record<string, unknown>): string | null => (typeof payload.cohortId === 'string' ? `/cohorts/${payload.cohortId}` : null);

@Injectable()
export class EnrolmentNotifications implements OnModuleInit {
  constructor(
    private readonly kinds: NotificationKinds,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  onModuleInit() {
    for (const name of Object.values(ENROLMENT_KINDS)) {
      const toManager = name === ENROLMENT_KINDS['enrolment.approval-requested'] || name === ENROLMENT_KINDS['enrolment.approval-reminder'];
      this.kinds.register({
        name,
        template: name.replace(/\./g, '-'),
        // The approval link is the manager's permission: whoever holds it answers.
        secretLinks: toManager ? ['approvalUrl'] : name === ENROLMENT_KINDS['enrolment.offered'] ? ['offerUrl'] : [],
        subject: (payload, lang) =>
          translate(lang, `mail.${name}.subject`, {
            round: programmeAndCohort(payload.programmeTitle, payload.cohortName, lang),
            position: payload.waitlistPosition,
            person: payload.personName,
          }),
        // A manager is not sent a link that no longer works: the person cancelled, or the request lapsed, before the mail left.
        stillValid: toManager
          ? (payload) => this.stillPending(payload)
          : // Nor an offer that was answered, or lapsed, before the mail left: its own mail tells the person.
            name === ENROLMENT_KINDS['enrolment.offered']
            ? (payload) => this.stillOffered(payload)
            : undefined,
        // A place on the waitlist says why: enrolment_enrol writes its message inside PostgreSQL without the reason.
        refresh: name === ENROLMENT_KINDS['enrolment.waitlisted'] || name === ENROLMENT_KINDS['enrolment.approved'] ? (payload) => this.withWaitlistReason(payload) : undefined,
        aboutPath: cohortPath,
      });
    }
  }

  /** Adds the agency's cap when that is why the person waits (agencySeatCap, and agencySeatCapIsOne for the wording). */
  private async withWaitlistReason(payload: EnrolmentMail): Promise<EnrolmentMail> {
    if (payload.status !== 'waitlisted' || typeof payload.enrolmentId !== 'string') return payload;
    const cap = 'agencySeatCap' in payload ? payload.agencySeatCap : await agencyCapReached(this.dataSource, payload.enrolmentId);
    return { ...payload, agencySeatCap: cap, agencySeatCapIsOne: cap === 1 };
  }

  private async stillOffered(payload: EnrolmentMail): Promise<boolean> {
    const [row] = await this.dataSource.query(`SELECT 1 FROM enrolment WHERE id = $1 AND status = 'offered' AND offer_expires_at > now()`, [payload.enrolmentId]);
    return !!row;
  }

  private async stillPending(payload: EnrolmentMail): Promise<boolean> {
    const [row] = await this.dataSource.query(`SELECT 1 FROM enrolment WHERE id = $1 AND status = 'pending_approval' AND NOT coalesce(approval_expires_at <= now(), false)`, [payload.enrolmentId]);
    return !!row;
  }
}
