// Owns enrolment: enrolling (confirmed, waitlisted, or waiting for a manager's approval),
// cancelling, the freed seat going to the first waitlisted person whose agency is under its cap,
// and what facilitators and admins do to a roster. Every change runs in one transaction that first
// locks the cohort's row (FOR UPDATE), so with any number of web processes the seat counts, agency
// caps and waitlist positions are decided one change at a time by PostgreSQL; unique indexes and
// constraints (migration Enrolment) catch anything that would slip by. Each change writes its
// history row and its notifications in the same transaction. The rules themselves are SQL in
// enrolment/sql/ (refusal and enrolling: enrol.sql; placement and the agency cap: placement.sql;
// who is next in line: promotion.sql), and the seat counters follow every status change by the
// enrolment_seat_counts trigger (seat-counts.sql): this service never writes them. In a round with
// seat_offer_hours a freed seat is offered to the next in line instead of confirmed: the offer holds
// the seat until the person accepts it (confirmed), declines it or lets its deadline pass
// (OfferDeadlinesService), and then the seat passes on.
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, can, Capability } from '../access/capabilities';
import { mustHaveVerifiedEmail } from '../access/email-verified';
import { CONFIG, Config } from '../config/config';
import { checkedId, FieldErrors, isUuid, NotAllowed, NotFound, Refused, withValues } from '../errors/domain-errors';
import { DomainEvents } from '../events/domain-events';
import { Language, localized, LocalizedText } from '../i18n/i18n';
import { sameMailbox } from '../identity/mailbox';
import { newSecretToken, tokenHash } from '../identity/secret-token';
import { isEmailAddress, NotificationsService, Recipient } from '../notifications/notifications.service';
import { agencyCapReached } from './agency-cap';
import { ACTIVE_STATUSES, EnrolmentStatus } from './enrolment.entity';
import { ENROLMENT_KINDS, EnrolmentKind, EnrolmentMailExtras } from './enrolment.notifications';
import { newCertificateCode } from './certificate-code';
import { completionProposals } from './completion-proposals';
import { COMPLETION_CERTIFICATE } from './completion.notifications';

/** The cohort row as a change sees it, locked. */
interface LockedCohort {
  id: string;
  programme_id: string;
  programme_title: LocalizedText;
  name: string;
  status: string;
  waitlist_length: number;
  cancellation_deadline: Date | null;
  starts_at: Date;
  /** Why the round refuses a person enrolling themself now, or null (the enrolment_refusal function). */
  refusal_to_self: string | null;
  /** Why it refuses a facilitator or admin adding someone, or null. */
  refusal: string | null;
}

interface EnrolmentRow {
  id: string;
  cohort_id: string;
  user_id: string;
  agency_id: string | null;
  status: EnrolmentStatus;
  waitlist_position: number | null;
  manager_email: string | null;
}

export interface EnrolmentView {
  id: string;
  cohortId: string;
  userId: string;
  status: EnrolmentStatus;
  /** 1 = next in line; null unless waitlisted. */
  waitlistPosition: number | null;
}

export type OfferDecision = 'accept' | 'decline';

export interface EnrolOutcome {
  enrolment: EnrolmentView;
  /** False when the person already had an active enrolment, which is returned as it is. */
  created: boolean;
}

/** The person a change is about. */
interface Person {
  id: string;
  email: string;
  displayName: string;
  language: Language;
  agencyId: string | null;
}

const COHORT_COLUMNS = `c.id, c.programme_id, p.title AS programme_title, c.name, c.status, c.waitlist_length, c.cancellation_deadline, c.starts_at,
  enrolment_refusal(c.status, c.enrolment_opens_at, c.enrolment_closes_at, true) AS refusal_to_self,
  enrolment_refusal(c.status, c.enrolment_opens_at, c.enrolment_closes_at, false) AS refusal`;
const ENROLMENT_COLUMNS = `id, cohort_id, user_id, agency_id, status, waitlist_position, manager_email`;

const view = (row: EnrolmentRow): EnrolmentView => ({ id: row.id, cohortId: row.cohort_id, userId: row.user_id, status: row.status, waitlistPosition: row.waitlist_position });

@Injectable()
export class EnrolmentService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly notifications: NotificationsService,
    @Inject(CONFIG) private readonly config: Config,
    private readonly events: DomainEvents,
  ) {}

  onModuleInit() {
    // More seats (or a higher agency cap) go to the queue in the same transaction as the edit.
    this.events.on('cohort.updated', async ({ cohortId }, manager) => {
      const cohort = await this.lockCohort(manager, cohortId);
      if (cohort.status === 'published' || cohort.status === 'draft') await this.promote(manager, cohort, null);
    });
    this.events.on('user.leaving', ({ userId, actorUserId, reason }, manager) =>
      this.releaseAll(manager, userId, actorUserId, reason === 'erased' ? 'enrolment.reason.accountErased' : 'enrolment.reason.accountDeactivated'),
    );
  }

  /**
   * A person who leaves gives up every place they hold in a round still to come or under way, as a
   * cancellation by the admin: a freed seat goes to the queue at once, and the person promoted is
   * told. The leaver is not: their mail is cancelled with them (an erased person has no address).
   * Finished and cancelled rounds keep their rows: they are what happened.
   */
  private async releaseAll(manager: EntityManager, userId: string, changedBy: string, reason: string): Promise<void> {
    // Cohorts are locked in id order, as every change locks one: two leavers cannot deadlock.
    const held: { cohort_id: string }[] = await manager.query(
      `SELECT e.cohort_id FROM enrolment e JOIN cohort_listing c ON c.id = e.cohort_id
        WHERE e.user_id = $1 AND e.status = ANY($2) AND c.status IN ('draft', 'published') AND c.ends_at > now()
        ORDER BY e.cohort_id`,
      [userId, ACTIVE_STATUSES],
    );
    for (const { cohort_id } of held) {
      const cohort = await this.lockCohort(manager, cohort_id);
      const enrolment = await this.activeEnrolment(manager, cohort.id, userId);
      if (enrolment) await this.release(manager, cohort, enrolment, changedBy, reason, { silent: true });
    }
  }

  /**
   * The person enrols themself in a published cohort whose enrolment is open. A cohort that needs
   * a manager's approval takes the manager's email and waits for their answer.
   */
  async enrol(actor: Actor, cohortId: string, options: { managerEmail?: string | null } = {}): Promise<EnrolOutcome> {
    mustHaveVerifiedEmail(actor);
    const managerEmail = options.managerEmail?.trim() || null;
    if (managerEmail && !isEmailAddress(managerEmail)) throw new FieldErrors({ managerEmail: 'enrolment.managerEmail.invalid' });
    // The common case in one statement (the rush on a popular round): see admitInOneGo.
    const outcome = await this.admitInOneGo(this.dataSource.manager, checkedId(cohortId), actor, actor.id, null, true);
    if (outcome !== 'needsApproval') return outcome;
    return this.dataSource.transaction(async (manager) => {
      const cohort = await this.lockCohort(manager, cohortId);
      const existing = await this.activeEnrolment(manager, cohort.id, actor.id);
      if (existing) return { enrolment: view(existing), created: false };
      this.checkOpen(cohort);
      if (!managerEmail) throw new FieldErrors({ managerEmail: 'enrolment.managerEmail.required' });
      // The link itself is the approval: it must go to someone else, not to the person's own mailbox
      // under another spelling (a.b+boss@agency.fi, A.B@Agency.fi).
      if (sameMailbox(managerEmail, actor.email)) throw new FieldErrors({ managerEmail: 'enrolment.managerEmail.notYourOwn' });
      return { enrolment: await this.requestApproval(manager, cohort, actor, managerEmail), created: true };
    });
  }

  /** A facilitator or admin enrols someone by email: no window or approval, the seat rules still hold. */
  async enrolByEmail(actor: Actor, cohortId: string, email: string, reason: string | null): Promise<EnrolOutcome> {
    return this.dataSource.transaction(async (manager) => {
      const cohort = await this.lockCohort(manager, cohortId);
      await this.mustManage(manager, actor, cohort.id);
      this.checkNotOver(cohort);
      const [person]: Person[] = await manager.query(
        `SELECT id, email, display_name AS "displayName", language, agency_id AS "agencyId" FROM person WHERE lower(email) = lower($1) AND status = 'active'`,
        [email.trim()],
      );
      if (!person) throw new FieldErrors({ email: 'enrolment.email.noAccount' });
      return this.admitted(await this.admitInOneGo(manager, cohort.id, person, actor.id, reason, false));
    });
  }

  /**
   * Cancels a person's active enrolment: their own until the cancellation deadline (or the first
   * session), anyone's at any time for the cohort's facilitators and admins. A freed seat goes at
   * once to the first waitlisted person whose agency is under its cap.
   */
  async cancel(actor: Actor, cohortId: string, userId: string, reason: string | null): Promise<EnrolmentView> {
    return this.dataSource.transaction(async (manager) => {
      const cohort = await this.lockCohort(manager, cohortId);
      // Permission first, so nobody learns who else is enrolled from a 404.
      const managing = await this.mayManage(manager, actor, cohort.id);
      if (!managing && actor.id !== userId.toLowerCase()) throw new NotAllowed();
      const enrolment = await this.activeEnrolment(manager, cohort.id, checkedId(userId));
      if (!enrolment) throw new NotFound();
      if (!managing && new Date() >= (cohort.cancellation_deadline ?? cohort.starts_at)) throw new Refused('enrolment.cancel.pastDeadline');
      return this.release(manager, cohort, enrolment, actor.id, reason);
    });
  }

  /** The manager's answer from the emailed link: once, and only while the enrolment still waits. */
  async answerApproval(token: string, decision: 'approve' | 'decline'): Promise<EnrolmentView> {
    const hash = tokenHash(token);
    const [found]: { cohort_id: string }[] = await this.dataSource.query(`SELECT cohort_id FROM enrolment WHERE approval_token_hash = $1`, [hash]);
    if (!found) throw new Refused('enrolment.approval.linkInvalid');
    return this.dataSource.transaction(async (manager) => {
      const cohort = await this.lockCohort(manager, found.cohort_id);
      const [enrolment]: (EnrolmentRow & { approval_expires_at: Date | null })[] = await manager.query(
        `SELECT ${ENROLMENT_COLUMNS}, approval_expires_at FROM enrolment WHERE approval_token_hash = $1 AND status = 'pending_approval' FOR UPDATE`,
        [hash],
      );
      if (!enrolment) throw new Refused('enrolment.approval.linkInvalid');
      // Past its deadline a request is lapsed even before the job has marked it so: the answer changes nothing.
      if (enrolment.approval_expires_at !== null && enrolment.approval_expires_at <= new Date()) throw new Refused('enrolment.approval.lapsed');
      const person = await this.person(manager, enrolment.user_id);
      if (decision === 'decline') {
        const declined = await this.setStatus(manager, enrolment, 'declined', null, null, 'enrolment.reason.managerDeclined');
        await this.notify(manager, 'enrolment.declined', person, cohort, declined);
        return view(declined);
      }
      this.checkNotOver(cohort);
      const placed = await this.placeExisting(manager, cohort, enrolment, null, 'enrolment.reason.managerApproved');
      await this.notify(manager, 'enrolment.approved', person, cohort, placed);
      return view(placed);
    });
  }

  /**
   * Whether an approval link still works (for the page that shows the manager the two buttons):
   * the request it answers, `lapsed` when its deadline has passed; null for any other link.
   */
  async approvalRequest(token: string): Promise<{ enrolmentId: string; cohortId: string; personName: string; lapsed: boolean } | null> {
    // A lapsed request keeps its link's hash (lapseApproval) so that the link can say it lapsed.
    const [row]: { id: string; cohort_id: string; display_name: string; lapsed: boolean }[] = await this.dataSource.query(
      `SELECT e.id, e.cohort_id, u.display_name, coalesce(e.approval_expires_at <= now(), false) AS lapsed
       FROM enrolment e JOIN person u ON u.id = e.user_id
       WHERE e.approval_token_hash = $1 AND (e.status = 'pending_approval' OR (e.status = 'cancelled' AND e.approval_expires_at <= now()))`,
      [tokenHash(token)],
    );
    return row ? { enrolmentId: row.id, cohortId: row.cohort_id, personName: row.display_name, lapsed: row.lapsed } : null;
  }

  /**
   * Lapses a request nobody answered by its deadline (14 days, or enrolment closing if sooner; set by
   * the enrolment_approval_expiry trigger) and tells the person. A pending request holds no seat and
   * no place in the queue, so nothing is freed and no count changes. The row is re-checked under the
   * cohort's lock, which every answer takes first too: a manager answering at the same moment, or a
   * second worker, finds it already decided. Returns whether this call lapsed it.
   */
  async lapseApproval(enrolmentId: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const [due]: { cohort_id: string }[] = await manager.query(`SELECT cohort_id FROM enrolment WHERE id = $1`, [checkedId(enrolmentId)]);
      if (!due) return false;
      const cohort = await this.lockCohort(manager, due.cohort_id);
      // The link's hash stays (unlike setStatus): it opens nothing, since every answer needs a
      // pending row, but it lets the manager's page say the request lapsed rather than "wrong link".
      const [[lapsed]]: [EnrolmentRow[], number] = await manager.query(
        `UPDATE enrolment SET status = 'cancelled', updated_at = now()
         WHERE id = $1 AND status = 'pending_approval' AND approval_expires_at <= now() RETURNING ${ENROLMENT_COLUMNS}`,
        [enrolmentId],
      );
      if (!lapsed) return false;
      await this.history(manager, { ...lapsed, status: 'pending_approval' }, 'cancelled', null, null, null, 'enrolment.reason.approvalLapsed');
      await this.notify(manager, 'enrolment.approval-lapsed', await this.person(manager, lapsed.user_id), cohort, lapsed, { managerEmail: lapsed.manager_email });
      return true;
    });
  }

  /**
   * Reminds the manager, once, of a request still waiting `after` its asking. Only the link's hash
   * is kept, so the reminder carries a new link and the first one stops working (its page says the
   * link no longer works; the reminder says it replaces the earlier one). Returns whether it was sent.
   */
  async remindApproval(enrolmentId: string, after: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const [due]: { cohort_id: string }[] = await manager.query(`SELECT cohort_id FROM enrolment WHERE id = $1`, [checkedId(enrolmentId)]);
      if (!due) return false;
      const cohort = await this.lockCohort(manager, due.cohort_id);
      const token = newSecretToken();
      const [[row]]: [(EnrolmentRow & { approval_expires_at: Date })[], number] = await manager.query(
        `UPDATE enrolment SET approval_token_hash = $2, approval_reminded_at = now()
         WHERE id = $1 AND status = 'pending_approval' AND approval_reminded_at IS NULL
           AND approval_expires_at > now() AND created_at <= now() - $3::interval
         RETURNING ${ENROLMENT_COLUMNS}, approval_expires_at`,
        [enrolmentId, tokenHash(token), after],
      );
      if (!row) return false;
      const person = await this.person(manager, row.user_id);
      await this.notify(manager, 'enrolment.approval-reminder', { email: row.manager_email!, language: person.language }, cohort, row, {
        approvalUrl: `${this.config.baseUrl}/enrolments/approval/${token}`,
        personName: person.displayName,
        expiresAt: row.approval_expires_at,
      });
      return true;
    });
  }

  /**
   * The person's answer to a seat offered to them, from the mailed link: once, and only while the
   * offer is open. Accepting confirms the seat the offer already held (no count moves); declining
   * cancels the place and the seat goes to the next in line. Past the deadline the offer has lapsed,
   * even before the job has marked it so: the answer changes nothing.
   */
  async answerOffer(token: string, decision: OfferDecision): Promise<EnrolmentView> {
    const hash = tokenHash(token);
    const [found]: { cohort_id: string }[] = await this.dataSource.query(`SELECT cohort_id FROM enrolment WHERE offer_token_hash = $1`, [hash]);
    if (!found) throw new Refused('enrolment.offer.linkInvalid');
    return this.dataSource.transaction(async (manager) => {
      const cohort = await this.lockCohort(manager, found.cohort_id);
      const [enrolment]: EnrolmentRow[] = await manager.query(`SELECT ${ENROLMENT_COLUMNS} FROM enrolment WHERE offer_token_hash = $1 FOR UPDATE`, [hash]);
      if (!enrolment) throw new Refused('enrolment.offer.linkInvalid');
      return this.answerLockedOffer(manager, cohort, enrolment, decision, enrolment.user_id, 'enrolment.offer.linkInvalid');
    });
  }

  /** The same answer by a signed-in person from their round's or home page: their own open offer in this round. */
  async answerOwnOffer(actor: Actor, cohortId: string, decision: OfferDecision): Promise<EnrolmentView> {
    return this.dataSource.transaction(async (manager) => {
      const cohort = await this.lockCohort(manager, cohortId);
      // Their latest offer in the round, so that one lapsed a moment ago says so.
      const [enrolment]: EnrolmentRow[] = await manager.query(
        `SELECT ${ENROLMENT_COLUMNS} FROM enrolment WHERE cohort_id = $1 AND user_id = $2 AND offer_token_hash IS NOT NULL ORDER BY created_at DESC LIMIT 1 FOR UPDATE`,
        [cohort.id, actor.id],
      );
      if (!enrolment) throw new Refused('enrolment.offer.notOpen');
      return this.answerLockedOffer(manager, cohort, enrolment, decision, actor.id, 'enrolment.offer.notOpen');
    });
  }

  private async answerLockedOffer(manager: EntityManager, cohort: LockedCohort, enrolment: EnrolmentRow, decision: OfferDecision, changedBy: string, endedKey: string): Promise<EnrolmentView> {
    const [open]: { expired: boolean }[] = await manager.query(`SELECT offer_expires_at <= now() AS expired FROM enrolment WHERE id = $1 AND status = 'offered'`, [enrolment.id]);
    if (!open) throw new Refused((await this.offerOutcome(manager, enrolment.id)) === 'lapsed' ? 'enrolment.offer.lapsed' : endedKey);
    if (open.expired) throw new Refused('enrolment.offer.lapsed');
    const person = await this.person(manager, enrolment.user_id);
    if (decision === 'accept') {
      // A round cancelled (or over) since the offer keeps no seat to take.
      this.checkNotOver(cohort);
      const accepted = await this.setStatus(manager, enrolment, 'confirmed', null, changedBy, 'enrolment.reason.offerAccepted');
      await this.notify(manager, 'enrolment.offer-accepted', person, cohort, accepted);
      return view(accepted);
    }
    const declined = await this.setStatus(manager, enrolment, 'cancelled', null, changedBy, 'enrolment.reason.offerDeclined');
    await this.notify(manager, 'enrolment.offer-declined', person, cohort, declined);
    await this.passOn(manager, cohort);
    return view(declined);
  }

  /** What became of an offer: still open, lapsed (by its deadline, marked or not), or answered or ended some other way. */
  private async offerOutcome(manager: EntityManager, enrolmentId: string): Promise<'open' | 'lapsed' | 'ended'> {
    const [row]: { outcome: 'open' | 'lapsed' | 'ended' }[] = await manager.query(
      `SELECT CASE
         WHEN e.status = 'offered' AND e.offer_expires_at > now() THEN 'open'
         WHEN e.status = 'offered' OR (e.status = 'cancelled' AND (SELECT h.reason FROM enrolment_change h WHERE h.enrolment_id = e.id ORDER BY h.created_at DESC LIMIT 1) = 'enrolment.reason.offerLapsed') THEN 'lapsed'
         ELSE 'ended' END AS outcome
       FROM enrolment e WHERE e.id = $1`,
      [enrolmentId],
    );
    return row?.outcome ?? 'ended';
  }

  /**
   * What an offer link opens (for the page with the two buttons): the offer while open, `lapsed`
   * once its deadline has passed (marked by the job or not); null for a used, tampered or unknown link.
   */
  async offerByToken(token: string): Promise<{ enrolmentId: string; cohortId: string; expiresAt: Date; outcome: 'open' | 'lapsed' | 'ended' } | null> {
    const [row]: { id: string; cohort_id: string; offer_expires_at: Date }[] = await this.dataSource.query(
      `SELECT id, cohort_id, offer_expires_at FROM enrolment WHERE offer_token_hash = $1`,
      [tokenHash(token)],
    );
    if (!row) return null;
    return { enrolmentId: row.id, cohortId: row.cohort_id, expiresAt: row.offer_expires_at, outcome: await this.offerOutcome(this.dataSource.manager, row.id) };
  }

  /**
   * Lapses an offer nobody claimed by its deadline: the place is cancelled, the person told, and the
   * seat it held goes to the next in line (an offer again). Re-checked under the cohort's lock, which
   * every answer takes first too: an answer at the same moment, or a second worker, finds it decided.
   * Returns whether this call lapsed it.
   */
  async lapseOffer(enrolmentId: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const [due]: { cohort_id: string }[] = await manager.query(`SELECT cohort_id FROM enrolment WHERE id = $1`, [checkedId(enrolmentId)]);
      if (!due) return false;
      const cohort = await this.lockCohort(manager, due.cohort_id);
      const [enrolment]: EnrolmentRow[] = await manager.query(
        `SELECT ${ENROLMENT_COLUMNS} FROM enrolment WHERE id = $1 AND status = 'offered' AND offer_expires_at <= now() FOR UPDATE`,
        [enrolmentId],
      );
      if (!enrolment) return false;
      const lapsed = await this.setStatus(manager, enrolment, 'cancelled', null, null, 'enrolment.reason.offerLapsed');
      await this.notify(manager, 'enrolment.offer-lapsed', await this.person(manager, enrolment.user_id), cohort, lapsed);
      await this.passOn(manager, cohort);
      return true;
    });
  }

  /** A facilitator or admin moves someone to another cohort of the same programme, where the seat rules decide their place. */
  async move(actor: Actor, cohortId: string, userId: string, toCohortId: string, reason: string | null): Promise<EnrolmentView> {
    checkedId(cohortId);
    if (!isUuid(toCohortId) || toCohortId.toLowerCase() === cohortId.toLowerCase()) throw new FieldErrors({ toCohortId: 'enrolment.move.chooseCohort' });
    return this.dataSource.transaction(async (manager) => {
      // Both rows locked in id order, so two crossing moves cannot deadlock.
      const [first, second] = [cohortId, toCohortId].sort();
      const locked = [await this.lockCohort(manager, first), await this.lockCohort(manager, second)];
      const from = locked.find((c) => c.id === cohortId.toLowerCase())!;
      const to = locked.find((c) => c.id === toCohortId.toLowerCase())!;
      await this.mustManage(manager, actor, from.id);
      await this.mustManage(manager, actor, to.id);
      if (to.programme_id !== from.programme_id) throw new FieldErrors({ toCohortId: 'enrolment.move.otherProgramme' });
      this.checkNotOver(to);
      const enrolment = await this.activeEnrolment(manager, from.id, checkedId(userId));
      if (!enrolment) throw new NotFound();
      if (await this.activeEnrolment(manager, to.id, enrolment.user_id)) throw new FieldErrors({ toCohortId: 'enrolment.move.alreadyThere' });
      await this.release(manager, from, enrolment, actor.id, reason ?? 'enrolment.reason.moved', { silent: true });
      const person = await this.person(manager, enrolment.user_id);
      return this.admitted(await this.admitInOneGo(manager, to.id, { ...person, agencyId: enrolment.agency_id }, actor.id, reason ?? 'enrolment.reason.moved', false)).enrolment;
    });
  }

  /** Puts a waitlisted person at another place in the queue; the others shift to make room. */
  async reorderWaitlist(actor: Actor, cohortId: string, userId: string, position: number, reason: string): Promise<EnrolmentView> {
    if (!reason.trim()) throw new FieldErrors({ reason: 'enrolment.reorder.reasonRequired' });
    return this.dataSource.transaction(async (manager) => {
      const cohort = await this.lockCohort(manager, cohortId);
      await this.mustManage(manager, actor, cohort.id);
      const enrolment = await this.activeEnrolment(manager, cohort.id, checkedId(userId));
      if (!enrolment || enrolment.status !== 'waitlisted') throw new NotFound();
      if (!Number.isInteger(position) || position < 1 || position > cohort.waitlist_length) {
        throw new FieldErrors({ position: withValues('enrolment.reorder.positionRange', { max: cohort.waitlist_length }) });
      }
      const from = enrolment.waitlist_position!;
      if (from === position) return view(enrolment);
      // Positions are unique only at commit (deferred), so the queue shifts in one statement; the
      // people shifted aside get history rows of their own, with the same reason.
      await manager.query(
        `WITH shifted AS (
           UPDATE enrolment SET waitlist_position = CASE
             WHEN $3::int < $4::int THEN waitlist_position - 1
             ELSE waitlist_position + 1 END, updated_at = now()
           WHERE cohort_id = $1 AND status = 'waitlisted' AND id <> $2
             AND waitlist_position BETWEEN least($3::int, $4::int) AND greatest($3::int, $4::int)
           RETURNING id, waitlist_position
         )
         INSERT INTO enrolment_change (enrolment_id, cohort_id, from_status, to_status, from_position, to_position, changed_by_id, reason, created_at)
         SELECT id, $1, 'waitlisted', 'waitlisted', waitlist_position + CASE WHEN $3::int < $4::int THEN 1 ELSE -1 END, waitlist_position, $5, $6, clock_timestamp() FROM shifted`,
        [cohort.id, enrolment.id, from, position, actor.id, reason.trim()],
      );
      await manager.query(`UPDATE enrolment SET waitlist_position = $2, updated_at = now() WHERE id = $1`, [enrolment.id, position]);
      await this.history(manager, enrolment, 'waitlisted', from, position, actor.id, reason.trim());
      return { ...view(enrolment), waitlistPosition: position };
    });
  }

  /**
   * Marks a confirmed participant as having completed the programme (the register of trained
   * developers), once the round's first session has started; their certificate goes by mail.
   */
  async complete(actor: Actor, cohortId: string, userId: string): Promise<EnrolmentView> {
    return this.dataSource.transaction(async (manager) => {
      const cohort = await this.lockCohort(manager, cohortId);
      await this.mustManage(manager, actor, cohort.id);
      const enrolment = await this.activeEnrolment(manager, cohort.id, checkedId(userId));
      if (!enrolment || enrolment.status !== 'confirmed') throw new Refused('enrolment.complete.notConfirmed');
      await this.mustHaveBegun(manager, cohort);
      return view(await this.completeOne(manager, actor, cohort, enrolment));
    });
  }

  /**
   * "Confirm completions": everyone the round's rule proposes (completion-proposals.ts), in one
   * transaction under the cohort's lock, so a second click (or a second tab) finds nobody left to
   * confirm. Returns how many were marked.
   */
  async completeProposed(actor: Actor, cohortId: string): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const cohort = await this.lockCohort(manager, cohortId);
      await this.mustManage(manager, actor, cohort.id);
      const { proposed } = await completionProposals(manager, cohort.id);
      if (proposed.length === 0) return 0;
      await this.mustHaveBegun(manager, cohort);
      let marked = 0;
      for (const person of proposed) {
        const enrolment = await this.activeEnrolment(manager, cohort.id, person.userId);
        if (!enrolment || enrolment.status !== 'confirmed') continue;
        await this.completeOne(manager, actor, cohort, enrolment);
        marked++;
      }
      return marked;
    });
  }

  /**
   * Takes a completion back (marked by mistake): the place is confirmed again and the completion row
   * is deleted, so its certificate code no longer verifies, and a certificate mail not yet sent is
   * not sent (its kind re-reads the completion when it goes).
   */
  async undoCompletion(actor: Actor, cohortId: string, userId: string): Promise<EnrolmentView> {
    return this.dataSource.transaction(async (manager) => {
      const cohort = await this.lockCohort(manager, cohortId);
      await this.mustManage(manager, actor, cohort.id);
      const [enrolment]: EnrolmentRow[] = await manager.query(
        `SELECT ${ENROLMENT_COLUMNS} FROM enrolment WHERE cohort_id = $1 AND user_id = $2 AND status = 'completed' FOR UPDATE`,
        [cohort.id, checkedId(userId)],
      );
      if (!enrolment) throw new Refused('completion.undo.notCompleted');
      await manager.query(`DELETE FROM completion WHERE cohort_id = $1 AND user_id = $2`, [cohort.id, enrolment.user_id]);
      const [[row]]: [EnrolmentRow[], number] = await manager.query(
        `UPDATE enrolment SET status = 'confirmed', completed_at = NULL, updated_at = now() WHERE id = $1 RETURNING ${ENROLMENT_COLUMNS}`,
        [enrolment.id],
      );
      await this.history(manager, enrolment, 'confirmed', null, null, actor.id, 'enrolment.reason.completionUndone');
      return view(row);
    });
  }

  /** Nobody has completed a round that has not begun: a click on the wrong row before the first day would enter the register. */
  private async mustHaveBegun(manager: EntityManager, cohort: LockedCohort): Promise<void> {
    const [first]: { started: boolean | null }[] = await manager.query(
      `SELECT min(starts_at) <= now() AS started FROM session_listing WHERE cohort_id = $1 AND status = 'scheduled'`,
      [cohort.id],
    );
    if (!first?.started) throw new Refused('enrolment.complete.notStarted');
  }

  /**
   * One completion: the completion row with a new certificate code, the place marked completed, and
   * the certificate mail in the outbox, all in the caller's transaction. Someone who completed the
   * programme in an earlier round keeps that completion (and certificate): no second one.
   */
  private async completeOne(manager: EntityManager, actor: Actor, cohort: LockedCohort, enrolment: EnrolmentRow): Promise<EnrolmentRow> {
    const [created]: { id: string }[] = await manager.query(
      `INSERT INTO completion (programme_id, cohort_id, user_id, agency_id, marked_by_id, certificate_code) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (programme_id, user_id) DO NOTHING RETURNING id`,
      [cohort.programme_id, cohort.id, enrolment.user_id, enrolment.agency_id, actor.id, newCertificateCode()],
    );
    // A completed place is still a taken seat: the count stays.
    const completed = await this.setStatus(manager, enrolment, 'completed', null, actor.id, null, { completed: true });
    if (created) {
      const person = await this.person(manager, enrolment.user_id);
      await this.notifications.notify(
        COMPLETION_CERTIFICATE,
        { userId: person.id, email: person.email, name: person.displayName, language: person.language },
        { completionId: created.id, cohortId: cohort.id },
        { manager, key: `completion-certificate-${created.id}` },
      );
    }
    return completed;
  }

  /** Records whether a confirmed (or completed) participant was at a session. */
  async markAttendance(actor: Actor, sessionId: string, userId: string, present: boolean): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const [session]: { cohort_id: string }[] = await manager.query(`SELECT cohort_id FROM session_listing WHERE id = $1`, [checkedId(sessionId)]);
      if (!session) throw new NotFound();
      await this.mustManage(manager, actor, session.cohort_id);
      const [participant] = await manager.query(`SELECT 1 FROM enrolment WHERE cohort_id = $1 AND user_id = $2 AND holds_seat(status)`, [session.cohort_id, checkedId(userId)]);
      if (!participant) throw new FieldErrors({ userId: 'enrolment.attendance.notParticipant' });
      await manager.query(
        `INSERT INTO attendance (session_id, user_id, present, marked_by_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT (session_id, user_id) DO UPDATE SET present = excluded.present, marked_by_id = excluded.marked_by_id, marked_at = now()`,
        [sessionId, userId, present, actor.id],
      );
    });
  }

  /** Whether the actor may run this cohort's roster: an admin, or one of its facilitators. */
  async mayManage(manager: EntityManager, actor: Actor | null, cohortId: string): Promise<boolean> {
    if (!actor) return false;
    if (can(actor, Capability.CohortSchedule)) return true;
    const [row] = await manager.query(`SELECT 1 FROM facilitator_listing WHERE cohort_id = $1 AND user_id = $2`, [cohortId, actor.id]);
    return !!row;
  }

  private async mustManage(manager: EntityManager, actor: Actor, cohortId: string): Promise<void> {
    if (!(await this.mayManage(manager, actor, cohortId))) throw new NotAllowed();
  }

  private async lockCohort(manager: EntityManager, cohortId: string): Promise<LockedCohort> {
    const [cohort]: LockedCohort[] = await manager.query(`SELECT ${COHORT_COLUMNS} FROM cohort_listing c JOIN programme_listing p ON p.id = c.programme_id WHERE c.id = $1 FOR UPDATE OF c`, [
      checkedId(cohortId),
    ]);
    if (!cohort) throw new NotFound();
    return cohort;
  }

  private async activeEnrolment(manager: EntityManager, cohortId: string, userId: string): Promise<EnrolmentRow | null> {
    const [row]: EnrolmentRow[] = await manager.query(`SELECT ${ENROLMENT_COLUMNS} FROM enrolment WHERE cohort_id = $1 AND user_id = $2 AND status = ANY($3) FOR UPDATE`, [
      cohortId,
      userId,
      ACTIVE_STATUSES,
    ]);
    return row ?? null;
  }

  private async person(manager: EntityManager, userId: string): Promise<Person> {
    const [person]: Person[] = await manager.query(`SELECT id, email, display_name AS "displayName", language, agency_id AS "agencyId" FROM person WHERE id = $1`, [userId]);
    return person;
  }

  /** Only a published cohort whose enrolment window is open takes a person enrolling themself (enrolment_refusal). */
  private checkOpen(cohort: LockedCohort): void {
    if (cohort.refusal_to_self) throw new Refused(cohort.refusal_to_self);
  }

  /** Facilitators may still change a draft's or a published cohort's roster, never a finished one's (enrolment_refusal). */
  private checkNotOver(cohort: LockedCohort): void {
    if (cohort.refusal) throw new Refused(cohort.refusal);
  }

  /** Where a new person goes now (the enrolment_placement function: one rule for every way in). */
  private async placement(manager: EntityManager, cohort: LockedCohort, agencyId: string | null): Promise<{ status: 'confirmed' | 'waitlisted'; position: number | null }> {
    const [place]: { placed_status: 'confirmed' | 'waitlisted'; placed_position: number | null }[] = await manager.query(`SELECT * FROM enrolment_placement($1, $2)`, [cohort.id, agencyId]);
    return { status: place.placed_status, position: place.placed_position };
  }

  /**
   * A new enrolment, confirmed or waitlisted, with its history and notification, by the
   * enrolment_enrol function (enrolment/sql/enrol.sql): the cohort's lock is held only inside
   * PostgreSQL. Run on its own it is its own transaction; in a caller's transaction it joins it.
   * Returns the enrolment, or 'needsApproval' when a person enrolling themself must name a manager.
   */
  private async admitInOneGo(manager: EntityManager, cohortId: string, person: Person, changedBy: string, reason: string | null, self: boolean): Promise<EnrolOutcome | 'needsApproval'> {
    this.notifications.mustBeWritableInSql([ENROLMENT_KINDS['enrolment.confirmed'], ENROLMENT_KINDS['enrolment.waitlisted']]);
    const [result]: { out_id: string | null; out_status: EnrolmentStatus | null; out_position: number | null; out_created: boolean; out_refusal: string | null }[] = await manager.query(
      `SELECT * FROM enrolment_enrol($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [cohortId, person.id, person.agencyId, changedBy, reason, self, person.email, person.displayName, person.language],
    );
    if (result.out_refusal === 'notFound') throw new NotFound();
    if (result.out_refusal === 'needsApproval') return 'needsApproval';
    if (result.out_refusal) throw new Refused(result.out_refusal);
    return { enrolment: { id: result.out_id!, cohortId, userId: person.id, status: result.out_status!, waitlistPosition: result.out_position }, created: result.out_created };
  }

  /** Only callers that never ask for approval reach this. */
  private admitted(outcome: EnrolOutcome | 'needsApproval'): EnrolOutcome {
    if (outcome === 'needsApproval') throw new Error('enrolment_enrol asked for approval outside self-enrolment');
    return outcome;
  }

  /** A waiting (approved) enrolment gets its place by the rules as they stand now. */
  private async placeExisting(manager: EntityManager, cohort: LockedCohort, enrolment: EnrolmentRow, changedBy: string | null, reason: string): Promise<EnrolmentRow> {
    const place = await this.placement(manager, cohort, enrolment.agency_id);
    return this.setStatus(manager, enrolment, place.status, place.position, changedBy, reason);
  }

  private async requestApproval(manager: EntityManager, cohort: LockedCohort, person: Person, managerEmail: string): Promise<EnrolmentView> {
    const token = newSecretToken();
    const [row]: EnrolmentRow[] = await manager.query(
      `WITH added AS (
         INSERT INTO enrolment (cohort_id, user_id, agency_id, status, manager_email, approval_token_hash)
         VALUES ($1, $2, $3, 'pending_approval', $4, $5) RETURNING ${ENROLMENT_COLUMNS}
       ), recorded AS (
         INSERT INTO enrolment_change (enrolment_id, cohort_id, to_status, changed_by_id) SELECT id, $1, status, $2 FROM added
       )
       SELECT * FROM added`,
      [cohort.id, person.id, person.agencyId, managerEmail, tokenHash(token)],
    );
    // The manager may have no account: the link itself is the permission, so it goes only to them.
    await this.notify(manager, 'enrolment.approval-requested', { email: managerEmail, language: person.language }, cohort, row, {
      approvalUrl: `${this.config.baseUrl}/enrolments/approval/${token}`,
      personName: person.displayName,
    });
    await this.notify(manager, 'enrolment.pending', person, cohort, row, { managerEmail });
    return view(row);
  }

  /** Cancels an active enrolment and frees what it held: a seat goes to the queue at once, a place in the queue closes up. */
  private async release(
    manager: EntityManager,
    cohort: LockedCohort,
    enrolment: EnrolmentRow,
    changedBy: string,
    reason: string | null,
    options: { silent?: boolean } = {},
  ): Promise<EnrolmentView> {
    const ended = await this.setStatus(manager, enrolment, 'cancelled', null, changedBy, reason);
    if (enrolment.status === 'waitlisted') await this.closeQueueGap(manager, cohort, enrolment.waitlist_position!);
    if (!options.silent) await this.notify(manager, 'enrolment.cancelled', await this.person(manager, enrolment.user_id), cohort, ended, { reason, byThemself: changedBy === enrolment.user_id });
    await this.promote(manager, cohort, changedBy);
    return view(ended);
  }

  /**
   * Fills free seats from the queue, one at a time, each to whoever is next in line
   * (enrolment/sql/promotion.sql). A round with seat_offer_hours offers the seat instead, with a
   * deadline to claim it (enrolment_offer_deadline) and a one-time link; the offer holds the seat
   * (takes_seat), so the loop moves on to the next free seat. Once the round has begun there is no
   * time to answer: the seat is confirmed at once, as in a round without offers.
   */
  private async promote(manager: EntityManager, cohort: LockedCohort, changedBy: string | null): Promise<void> {
    for (;;) {
      const [next]: (EnrolmentRow & { offer_deadline: Date | null })[] = await manager.query(
        `SELECT ${ENROLMENT_COLUMNS}, enrolment_offer_deadline(cohort_id) AS offer_deadline FROM enrolment WHERE id = (SELECT enrolment_next_in_line($1)) FOR UPDATE`,
        [cohort.id],
      );
      if (!next) return;
      const person = await this.person(manager, next.user_id);
      if (next.offer_deadline) {
        const token = newSecretToken();
        const offered = await this.setStatus(manager, next, 'offered', null, changedBy, 'enrolment.reason.seatOffered', { offer: { expiresAt: next.offer_deadline, tokenHash: tokenHash(token) } });
        await this.closeQueueGap(manager, cohort, next.waitlist_position!);
        await this.notify(manager, 'enrolment.offered', person, cohort, offered, { offerUrl: `${this.config.baseUrl}/enrolments/offer/${token}`, expiresAt: next.offer_deadline });
        continue;
      }
      const promoted = await this.setStatus(manager, next, 'confirmed', null, changedBy, 'enrolment.reason.seatFreed');
      await this.closeQueueGap(manager, cohort, next.waitlist_position!);
      await this.notify(manager, 'enrolment.promoted', person, cohort, promoted);
    }
  }

  /** A seat an offer gave back goes to the next in line, in a round still to come or under way (not in a cancelled or finished one). */
  private async passOn(manager: EntityManager, cohort: LockedCohort): Promise<void> {
    if (cohort.status === 'published' || cohort.status === 'draft') await this.promote(manager, cohort, null);
  }

  /** Everyone behind a place that emptied moves up by one. */
  private async closeQueueGap(manager: EntityManager, cohort: LockedCohort, position: number): Promise<void> {
    // Each person moved up gets a history row of their own: their place changed too.
    await manager.query(
      `WITH moved AS (
         UPDATE enrolment SET waitlist_position = waitlist_position - 1, updated_at = now()
         WHERE cohort_id = $1 AND status = 'waitlisted' AND waitlist_position > $2 RETURNING id, waitlist_position
       )
       INSERT INTO enrolment_change (enrolment_id, cohort_id, from_status, to_status, from_position, to_position, reason, created_at)
       SELECT id, $1, 'waitlisted', 'waitlisted', waitlist_position + 1, waitlist_position, 'enrolment.reason.queueMovedUp', clock_timestamp() FROM moved`,
      [cohort.id, position],
    );
  }

  private async setStatus(
    manager: EntityManager,
    enrolment: EnrolmentRow,
    to: EnrolmentStatus,
    position: number | null,
    changedBy: string | null,
    reason: string | null,
    options: { completed?: boolean; offer?: { expiresAt: Date; tokenHash: string } } = {},
  ): Promise<EnrolmentRow> {
    // TypeORM answers an UPDATE … RETURNING with [rows, count]. An offer's deadline and link hash
    // stay when it is answered or lapses, so that its link can say what became of it.
    const [[row]]: [EnrolmentRow[], number] = await manager.query(
      `UPDATE enrolment SET status = $2, waitlist_position = $3, approval_token_hash = NULL, updated_at = now(),
         confirmed_at = CASE WHEN $2 = 'confirmed' THEN now() ELSE confirmed_at END,
         completed_at = CASE WHEN $4 THEN now() ELSE completed_at END,
         offer_expires_at = coalesce($5, offer_expires_at), offer_token_hash = coalesce($6, offer_token_hash)
       WHERE id = $1 RETURNING ${ENROLMENT_COLUMNS}`,
      [enrolment.id, to, position, options.completed ?? false, options.offer?.expiresAt ?? null, options.offer?.tokenHash ?? null],
    );
    await this.history(manager, enrolment, to, enrolment.waitlist_position, position, changedBy, reason);
    return row;
  }

  private async history(
    manager: EntityManager,
    enrolment: EnrolmentRow,
    to: EnrolmentStatus,
    fromPosition: number | null,
    toPosition: number | null,
    changedBy: string | null,
    reason: string | null,
  ): Promise<void> {
    await manager.query(
      // clock_timestamp(), not now(): a cancellation and the promotion it causes share a transaction, and their order matters.
      `INSERT INTO enrolment_change (enrolment_id, cohort_id, from_status, to_status, from_position, to_position, changed_by_id, reason, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, clock_timestamp())`,
      [enrolment.id, enrolment.cohort_id, enrolment.status, to, fromPosition, toPosition, changedBy, reason],
    );
  }

  private async notify(
    manager: EntityManager,
    kind: EnrolmentKind,
    to: Pick<Person, 'email' | 'language'> & Partial<Person>,
    cohort: LockedCohort,
    enrolment: EnrolmentRow,
    extra: EnrolmentMailExtras = {},
  ): Promise<void> {
    const recipient: Recipient = { userId: to.id, email: to.email, name: to.displayName, language: to.language };
    await this.notifications.notify(
      ENROLMENT_KINDS[kind],
      recipient,
      {
        enrolmentId: enrolment.id,
        cohortId: cohort.id,
        cohortName: cohort.name,
        programmeTitle: localized(cohort.programme_title, to.language),
        startsAt: cohort.starts_at,
        status: enrolment.status,
        waitlistPosition: enrolment.waitlist_position,
        agencySeatCap: enrolment.status === 'waitlisted' ? await agencyCapReached(manager, enrolment.id) : null,
        ...extra,
      },
      { manager },
    );
  }
}
