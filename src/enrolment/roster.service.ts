// Owns reading enrolments for the pages: a person's own place in a cohort and their list of cohorts,
// a cohort's roster (agency mix, the people in each status, the waitlist in order, attendance and
// the history of changes) and what a manager's approval link is about. It never changes anything:
// every change goes through EnrolmentService, which also decides who may manage a roster.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor, can, Capability } from '../access/capabilities';
import { checkedId, NotAllowed, NotFound } from '../errors/domain-errors';
import { Language, localized, LocalizedText } from '../i18n/i18n';
import { CohortStatus } from '../catalogue/cohort.entity';
import { ACTIVE_STATUSES, EnrolmentStatus } from './enrolment.entity';
import { EnrolmentService } from './enrolment.service';
import { agencyCapReached } from './agency-cap';
import { holdsSeat } from './seats';
import { completionProposals, CompletionProposals } from './completion-proposals';

/** The reader's own place in a cohort: the active enrolment, else the latest one. */
export interface OwnEnrolment {
  id: string;
  status: EnrolmentStatus;
  /** 1 = next in line; null unless waitlisted. */
  waitlistPosition: number | null;
  managerEmail: string | null;
  active: boolean;
  /** Holds a seat, or held one to the end: confirmed or completed. */
  participant: boolean;
  /** Waitlisted because their agency holds every seat its cap allows: the cap; null otherwise. */
  agencySeatCap: number | null;
  /** While a freed seat is offered to them: until when they may claim it. */
  offerExpiresAt: Date | null;
}

export interface MyCohort {
  enrolmentId: string;
  status: EnrolmentStatus;
  waitlistPosition: number | null;
  active: boolean;
  cohortId: string;
  cohortName: string;
  cohortStatus: CohortStatus;
  /** False for a draft, whose page the person cannot open. */
  cohortVisible: boolean;
  /** Whether the place lets the person into the round's forum (it holds a seat). */
  mayReadForum: boolean;
  programmeTitle: string;
  startsAt: Date;
  endsAt: Date;
  /** The next scheduled session that has not ended, or null. */
  nextSession: { startsAt: Date; endsAt: Date } | null;
  /** While a freed seat is offered to the person: until when they may claim it. */
  offerExpiresAt: Date | null;
}

/** A round the person facilitates, as their own pages list it. */
export interface FacilitatedCohort {
  cohortId: string;
  cohortName: string;
  cohortStatus: CohortStatus;
  programmeTitle: string;
  startsAt: Date;
  endsAt: Date;
  capacity: number;
  seatsTaken: number;
  waitlistLength: number;
  pendingApprovals: number;
  nextSession: { startsAt: Date; endsAt: Date } | null;
}

export interface RosterEntry {
  enrolmentId: string;
  userId: string;
  /** Empty for an erased account (the page says so). */
  name: string;
  email: string;
  erased: boolean;
  agency: string | null;
  status: EnrolmentStatus;
  waitlistPosition: number | null;
  managerEmail: string | null;
  enrolledAt: Date;
  /** While a freed seat is offered to them: until when they may claim it. */
  offerExpiresAt?: Date | null;
}

/** A person on the roster with what its forms may do with them (EnrolmentService's rules). */
export interface RosterRow extends RosterEntry {
  /** A place held or waited for, which may be given up or moved to another round. */
  mayRemove: boolean;
  mayMove: boolean;
  /** On a waitlist of more than one. */
  mayReorder: boolean;
  /** A confirmed participant, who may be marked completed. */
  mayComplete: boolean;
  /** A completed participant, whose completion may be taken back. */
  mayUndoCompletion: boolean;
}

export interface RosterChange {
  createdAt: Date;
  personName: string;
  personErased: boolean;
  fromStatus: EnrolmentStatus | null;
  toStatus: EnrolmentStatus;
  fromPosition: number | null;
  toPosition: number | null;
  /** Null: a manager through the emailed link, or the system. */
  changedBy: { name: string; erased: boolean } | null;
  /** Free text, or an `enrolment.reason.*` key. */
  reason: string | null;
}

export interface Roster {
  cohort: {
    id: string;
    name: string;
    programmeId: string;
    programmeTitle: string;
    status: CohortStatus;
    capacity: number;
    seatsTaken: number;
    waitlistLength: number;
    startsAt: Date;
    endsAt: Date;
  };
  /** Confirmed and completed first (by name), the waitlist in order, those waiting for approval, then the cancelled and declined (latest first). */
  entries: RosterRow[];
  /** Confirmed (and completed) places per agency, most first; agency null for people without one. */
  agencyMix: { agency: string | null; count: number }[];
  /** Scheduled sessions, in order. */
  sessions: { id: string; startsAt: Date; endsAt: Date }[];
  /** What has been marked: `present` per `${sessionId}/${userId}`. */
  attendance: Map<string, boolean>;
  /** Rounds of the same programme someone can be moved to: not over, and run by the reader. */
  moveTargets: { id: string; name: string; status: CohortStatus; startsAt: Date }[];
  /** Newest first. */
  history: RosterChange[];
  /** The round's completion rule, who meets it now (completion-proposals.ts), and when each person completed. */
  completion: CompletionProposals & { completedAt: Map<string, Date> };
}

export interface ApprovalDetails {
  personName: string;
  personEmail: string;
  agency: string | null;
  cohortId: string;
  cohortName: string;
  programmeTitle: string;
  startsAt: Date;
  endsAt: Date;
}

const STATUS_ORDER: Record<EnrolmentStatus, number> = { confirmed: 0, completed: 0, offered: 1, waitlisted: 1, pending_approval: 2, cancelled: 3, declined: 3 };
/** For a person's own list: the places they hold or wait for, then finished ones, then ended ones. */
const OWN_ORDER: Record<EnrolmentStatus, number> = { confirmed: 0, offered: 0, waitlisted: 0, pending_approval: 0, completed: 1, cancelled: 2, declined: 2 };

const isActive = (status: EnrolmentStatus) => ACTIVE_STATUSES.includes(status);
const byName = (a: string, b: string) => a.localeCompare(b, 'fi');

/**
 * Until when a person may cancel their own place: the cohort's cancellation deadline, or the first
 * session. The same rule EnrolmentService.cancel applies; the page uses it to show or hide the button.
 */
export function ownCancellationClosesAt(cohort: { cancellationDeadline: Date | null; startsAt: Date }): Date {
  return cohort.cancellationDeadline ?? cohort.startsAt;
}

/** What placeRights reads of a round (as the catalogue answers it). */
export interface PlaceCohort {
  id: string;
  status: CohortStatus;
  enrolmentWindow: string;
  cancellationDeadline: Date | null;
  startsAt: Date;
}

export interface PlaceRights {
  /** An admin or one of the round's facilitators. */
  manages: boolean;
  enrolmentOpen: boolean;
  mayEnrol: boolean;
  mayCancel: boolean;
  /** A place the reader holds that only those who run the round may cancel now: the deadline passed. */
  cancelClosed: boolean;
}

/** The round's (`c`) next session not yet over, as `n`: what its lists show as "next". */
const NEXT_SESSION_JOIN = `LEFT JOIN LATERAL (
         SELECT s.starts_at, s.ends_at FROM session_listing s
         WHERE s.cohort_id = c.id AND s.status = 'scheduled' AND s.ends_at > now() ORDER BY s.starts_at LIMIT 1
       ) n ON true`;

@Injectable()
export class RosterService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly enrolment: EnrolmentService,
  ) {}

  /** The person's place in the cohort: their active enrolment, else the latest ended one; null if they never enrolled. */
  async enrolmentOf(cohortId: string, userId: string): Promise<OwnEnrolment | null> {
    const [row]: { id: string; status: EnrolmentStatus; waitlist_position: number | null; manager_email: string | null; offer_expires_at: Date | null }[] = await this.dataSource.query(
      `SELECT id, status, waitlist_position, manager_email, offer_expires_at FROM enrolment WHERE cohort_id = $1 AND user_id = $2
       ORDER BY status = ANY($3) DESC, created_at DESC LIMIT 1`,
      [checkedId(cohortId), userId, ACTIVE_STATUSES],
    );
    if (!row) return null;
    return {
      id: row.id,
      status: row.status,
      waitlistPosition: row.waitlist_position,
      managerEmail: row.manager_email,
      active: isActive(row.status),
      participant: holdsSeat(row.status),
      agencySeatCap: row.status === 'waitlisted' ? await agencyCapReached(this.dataSource, row.id) : null,
      offerExpiresAt: row.status === 'offered' ? row.offer_expires_at : null,
    };
  }

  /** The person's cohorts, one line per cohort (their current or latest enrolment): active ones first, soonest first. */
  async myCohorts(userId: string, lang: Language): Promise<MyCohort[]> {
    const rows: {
      id: string;
      status: EnrolmentStatus;
      waitlist_position: number | null;
      cohort_id: string;
      name: string;
      cohort_status: CohortStatus;
      programme_status: string;
      title: LocalizedText;
      starts_at: Date;
      ends_at: Date;
      next_starts_at: Date | null;
      next_ends_at: Date | null;
      offer_expires_at: Date | null;
    }[] = await this.dataSource.query(
      `SELECT DISTINCT ON (e.cohort_id) e.id, e.status, e.waitlist_position, e.offer_expires_at, e.cohort_id, c.name, c.status AS cohort_status,
         p.status AS programme_status, p.title, c.starts_at, c.ends_at, n.starts_at AS next_starts_at, n.ends_at AS next_ends_at
       FROM enrolment e
       JOIN cohort_listing c ON c.id = e.cohort_id
       JOIN programme_listing p ON p.id = c.programme_id
       ${NEXT_SESSION_JOIN}
       WHERE e.user_id = $1
       ORDER BY e.cohort_id, e.status = ANY($2) DESC, e.created_at DESC`,
      [userId, ACTIVE_STATUSES],
    );
    return rows
      .map((row) => ({
        enrolmentId: row.id,
        status: row.status,
        waitlistPosition: row.waitlist_position,
        active: isActive(row.status),
        cohortId: row.cohort_id,
        cohortName: row.name,
        cohortStatus: row.cohort_status,
        cohortVisible: row.cohort_status !== 'draft' && row.programme_status !== 'draft',
        mayReadForum: holdsSeat(row.status),
        programmeTitle: localized(row.title, lang),
        startsAt: row.starts_at,
        endsAt: row.ends_at,
        nextSession: row.next_starts_at ? { startsAt: row.next_starts_at, endsAt: row.next_ends_at! } : null,
        offerExpiresAt: row.status === 'offered' ? row.offer_expires_at : null,
      }))
      .sort((a, b) => OWN_ORDER[a.status] - OWN_ORDER[b.status] || a.startsAt.getTime() - b.startsAt.getTime());
  }

  /**
   * The rounds the person facilitates that have not ended (nor been cancelled), soonest first, with
   * their seats, waitlist and approvals waiting: what a facilitator's own pages list.
   */
  async facilitatedCohorts(userId: string, lang: Language): Promise<FacilitatedCohort[]> {
    const rows: {
      cohort_id: string;
      name: string;
      cohort_status: CohortStatus;
      title: LocalizedText;
      starts_at: Date;
      ends_at: Date;
      capacity: number;
      seats_taken: number;
      waitlist_length: number;
      pending_approvals: number;
      next_starts_at: Date | null;
      next_ends_at: Date | null;
    }[] = await this.dataSource.query(
      `SELECT c.id AS cohort_id, c.name, c.status AS cohort_status, p.title, c.starts_at, c.ends_at, c.capacity, c.seats_taken, c.waitlist_length,
         (SELECT count(*)::int FROM enrolment e WHERE e.cohort_id = c.id AND e.status = 'pending_approval') AS pending_approvals,
         n.starts_at AS next_starts_at, n.ends_at AS next_ends_at
       FROM facilitator_listing f
       JOIN cohort_listing c ON c.id = f.cohort_id
       JOIN programme_listing p ON p.id = c.programme_id
       ${NEXT_SESSION_JOIN}
       WHERE f.user_id = $1 AND c.ends_at > now() AND c.status <> 'cancelled'
       ORDER BY c.starts_at, c.id`,
      [userId],
    );
    return rows.map((row) => ({
      cohortId: row.cohort_id,
      cohortName: row.name,
      cohortStatus: row.cohort_status,
      programmeTitle: localized(row.title, lang),
      startsAt: row.starts_at,
      endsAt: row.ends_at,
      capacity: row.capacity,
      seatsTaken: row.seats_taken,
      waitlistLength: row.waitlist_length,
      pendingApprovals: row.pending_approvals,
      nextSession: row.next_starts_at ? { startsAt: row.next_starts_at, endsAt: row.next_ends_at! } : null,
    }));
  }

  /** Whether the actor runs this cohort's roster (EnrolmentService's rule: an admin or one of its facilitators). */
  async mayManage(actor: Actor | null, cohortId: string): Promise<boolean> {
    return this.enrolment.mayManage(this.dataSource.manager, actor, checkedId(cohortId));
  }

  /**
   * What the reader may do with their own place on a round's page, by the rules EnrolmentService.enrol
   * and cancel apply: enrol while enrolment is open (unless they hold, wait for or finished a place),
   * cancel a place before the deadline (those who run the round at any time); and whether they run it.
   */
  async placeRights(viewer: Actor | null, cohort: PlaceCohort, own: OwnEnrolment | null): Promise<PlaceRights> {
    const manages = viewer ? await this.mayManage(viewer, cohort.id) : false;
    const enrolmentOpen = cohort.status === 'published' && cohort.enrolmentWindow === 'open';
    const cancelOpen = new Date() < ownCancellationClosesAt(cohort);
    return {
      manages,
      enrolmentOpen,
      mayEnrol: !!viewer && enrolmentOpen && !own?.active && own?.status !== 'completed',
      mayCancel: !!own?.active && (manages || cancelOpen),
      cancelClosed: !!own?.active && !manages && !cancelOpen,
    };
  }

  /** An unknown cohort is a 404; one the actor does not run, a 403. */
  async mustManage(actor: Actor, cohortId: string): Promise<void> {
    const [cohort] = await this.dataSource.query(`SELECT 1 FROM cohort_listing WHERE id = $1`, [checkedId(cohortId)]);
    if (!cohort) throw new NotFound();
    if (!(await this.mayManage(actor, cohortId))) throw new NotAllowed();
  }

  /** The roster of a cohort the actor runs. */
  async roster(actor: Actor, cohortId: string, lang: Language): Promise<Roster> {
    await this.mustManage(actor, cohortId);
    const db = this.dataSource;
    const [cohort]: {
      id: string;
      name: string;
      programme_id: string;
      title: LocalizedText;
      status: CohortStatus;
      capacity: number;
      seats_taken: number;
      waitlist_length: number;
      starts_at: Date;
      ends_at: Date;
    }[] = await db.query(
      `SELECT c.id, c.name, c.programme_id, p.title, c.status, c.capacity, c.seats_taken, c.waitlist_length, c.starts_at, c.ends_at
       FROM cohort_listing c JOIN programme_listing p ON p.id = c.programme_id WHERE c.id = $1`,
      [cohortId],
    );
    const [entries, sessions, attendance, moveTargets, history] = await Promise.all([
      this.entries(cohort.id),
      db.query(`SELECT id, starts_at AS "startsAt", ends_at AS "endsAt" FROM session_listing WHERE cohort_id = $1 AND status = 'scheduled' ORDER BY starts_at`, [cohort.id]) as Promise<
        { id: string; startsAt: Date; endsAt: Date }[]
      >,
      db.query(`SELECT a.session_id, a.user_id, a.present FROM attendance a JOIN session_listing s ON s.id = a.session_id WHERE s.cohort_id = $1`, [cohort.id]) as Promise<
        { session_id: string; user_id: string; present: boolean }[]
      >,
      db.query(
        `SELECT c.id, c.name, c.status, c.starts_at AS "startsAt" FROM cohort_listing c
         WHERE c.programme_id = $1 AND c.id <> $2 AND c.status IN ('draft', 'published')
           AND ($3 OR EXISTS (SELECT 1 FROM facilitator_listing f WHERE f.cohort_id = c.id AND f.user_id = $4))
         ORDER BY c.starts_at, c.name`,
        [cohort.programme_id, cohort.id, can(actor, Capability.CohortSchedule), actor.id],
      ) as Promise<Roster['moveTargets']>,
      this.history(cohort.id),
    ]);
    const proposals = await completionProposals(db, cohort.id);
    const completed: { user_id: string; completed_at: Date }[] = await db.query(`SELECT user_id, completed_at FROM completion WHERE cohort_id = $1 AND user_id IS NOT NULL`, [cohort.id]);
    const mix = new Map<string | null, number>();
    for (const entry of entries) if (holdsSeat(entry.status)) mix.set(entry.agency, (mix.get(entry.agency) ?? 0) + 1);
    return {
      cohort: {
        id: cohort.id,
        name: cohort.name,
        programmeId: cohort.programme_id,
        programmeTitle: localized(cohort.title, lang),
        status: cohort.status,
        capacity: cohort.capacity,
        seatsTaken: cohort.seats_taken,
        waitlistLength: cohort.waitlist_length,
        startsAt: cohort.starts_at,
        endsAt: cohort.ends_at,
      },
      entries: entries.map((entry) => ({
        ...entry,
        mayRemove: isActive(entry.status),
        mayMove: isActive(entry.status),
        mayReorder: entry.status === 'waitlisted' && cohort.waitlist_length > 1,
        mayComplete: entry.status === 'confirmed',
        mayUndoCompletion: entry.status === 'completed',
      })),
      agencyMix: [...mix]
        .map(([agency, count]) => ({ agency, count }))
        .sort((a, b) => b.count - a.count || (a.agency === null ? 1 : b.agency === null ? -1 : byName(a.agency, b.agency))),
      sessions,
      attendance: new Map(attendance.map((row) => [`${row.session_id}/${row.user_id}`, row.present])),
      moveTargets,
      history,
      completion: { ...proposals, completedAt: new Map(completed.map((row) => [row.user_id, row.completed_at])) },
    };
  }

  /** Whether a session is one of the cohort's scheduled sessions (attendance is marked only for those). */
  async isScheduledSessionOf(cohortId: string, sessionId: string): Promise<boolean> {
    const [row] = await this.dataSource.query(`SELECT 1 FROM session_listing WHERE id = $1 AND cohort_id = $2 AND status = 'scheduled'`, [checkedId(sessionId), checkedId(cohortId)]);
    return !!row;
  }

  /** Who and what a still-working approval link is about (EnrolmentService.approvalRequest says whether it works). */
  async approvalDetails(enrolmentId: string, lang: Language): Promise<ApprovalDetails> {
    const [row]: { display_name: string; email: string; agency: string | null; cohort_id: string; name: string; title: LocalizedText; starts_at: Date; ends_at: Date }[] =
      await this.dataSource.query(
        `SELECT u.display_name, u.email, a.name AS agency, c.id AS cohort_id, c.name, p.title, c.starts_at, c.ends_at
         FROM enrolment e
         JOIN person u ON u.id = e.user_id
         LEFT JOIN agency_name a ON a.id = e.agency_id
         JOIN cohort_listing c ON c.id = e.cohort_id
         JOIN programme_listing p ON p.id = c.programme_id
         WHERE e.id = $1`,
        [enrolmentId],
      );
    if (!row) throw new NotFound();
    return {
      personName: row.display_name,
      personEmail: row.email,
      agency: row.agency,
      cohortId: row.cohort_id,
      cohortName: row.name,
      programmeTitle: localized(row.title, lang),
      startsAt: row.starts_at,
      endsAt: row.ends_at,
    };
  }

  private async entries(cohortId: string): Promise<RosterEntry[]> {
    const rows: {
      id: string;
      user_id: string;
      display_name: string;
      email: string;
      user_status: string;
      agency: string | null;
      status: EnrolmentStatus;
      waitlist_position: number | null;
      manager_email: string | null;
      created_at: Date;
      updated_at: Date;
      offer_expires_at: Date | null;
    }[] = await this.dataSource.query(
      `SELECT e.id, e.user_id, u.display_name, u.email, u.status AS user_status, a.name AS agency, e.status, e.waitlist_position,
         e.manager_email, e.created_at, e.updated_at, e.offer_expires_at
       FROM enrolment e JOIN person u ON u.id = e.user_id LEFT JOIN agency_name a ON a.id = e.agency_id
       WHERE e.cohort_id = $1`,
      [cohortId],
    );
    const order = (a: (typeof rows)[number], b: (typeof rows)[number]) => {
      const group = STATUS_ORDER[a.status] - STATUS_ORDER[b.status];
      if (group) return group;
      if (a.status === 'waitlisted' && b.status === 'waitlisted') return a.waitlist_position! - b.waitlist_position!;
      if (STATUS_ORDER[a.status] === 0) return byName(a.display_name, b.display_name);
      if (a.status === 'pending_approval') return a.created_at.getTime() - b.created_at.getTime();
      return b.updated_at.getTime() - a.updated_at.getTime();
    };
    return rows.sort(order).map((row) => ({
      enrolmentId: row.id,
      userId: row.user_id,
      name: row.display_name,
      email: row.email,
      erased: row.user_status === 'erased',
      agency: row.agency,
      status: row.status,
      waitlistPosition: row.waitlist_position,
      managerEmail: row.manager_email,
      enrolledAt: row.created_at,
      offerExpiresAt: row.status === 'offered' ? row.offer_expires_at : null,
    }));
  }

  private async history(cohortId: string): Promise<RosterChange[]> {
    const rows: {
      created_at: Date;
      person_name: string;
      person_status: string;
      from_status: EnrolmentStatus | null;
      to_status: EnrolmentStatus;
      from_position: number | null;
      to_position: number | null;
      by_name: string | null;
      by_status: string | null;
      reason: string | null;
    }[] = await this.dataSource.query(
      `SELECT h.created_at, u.display_name AS person_name, u.status AS person_status, h.from_status, h.to_status, h.from_position, h.to_position,
         b.display_name AS by_name, b.status AS by_status, h.reason
       FROM enrolment_change h
       JOIN enrolment e ON e.id = h.enrolment_id
       JOIN person u ON u.id = e.user_id
       LEFT JOIN person b ON b.id = h.changed_by_id
       WHERE h.cohort_id = $1
       ORDER BY h.created_at DESC, h.id DESC
       LIMIT 500`,
      [cohortId],
    );
    return rows.map((row) => ({
      createdAt: row.created_at,
      personName: row.person_name,
      personErased: row.person_status === 'erased',
      fromStatus: row.from_status,
      toStatus: row.to_status,
      fromPosition: row.from_position,
      toPosition: row.to_position,
      changedBy: row.by_name === null ? null : { name: row.by_name, erased: row.by_status === 'erased' },
      reason: row.reason,
    }));
  }
}
