// What an admin sees first at /admin: the rounds coming up with their seats and waitlists, the
// rounds whose enrolment closes within the week, and the messages that failed to go out (from the
// outbox's own service). Only reads.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CohortStatus } from '../catalogue/cohort.entity';
import { ProgrammeInterestService } from '../catalogue/programme-interest.service';
import { Language, localized, LocalizedText } from '../i18n/i18n';
import { FailedMessage, OutboxService } from '../notifications/outbox.service';
import { ToolkitService } from '../toolkit/toolkit.service';

export const OVERVIEW_COHORTS = 20;
export const OVERVIEW_FAILED_MESSAGES = 5;
/** "This week": the seven days from now, so a round closing on Monday is seen on Friday. */
const CLOSING_WINDOW_DAYS = 7;

export interface OverviewCohort {
  cohortId: string;
  cohortName: string;
  programmeTitle: string;
  status: CohortStatus;
  startsAt: Date;
  enrolmentClosesAt: Date;
  capacity: number;
  seatsTaken: number;
  waitlistLength: number;
  pendingApprovals: number;
  /** Every seat is taken. */
  full: boolean;
}

export interface AdminOverview {
  /** Draft and published rounds that have not started, soonest first. */
  upcomingCohorts: OverviewCohort[];
  /** Published rounds whose enrolment is open and closes within the week, soonest first. */
  closingSoon: OverviewCohort[];
  failedCount: number;
  /** The latest failed messages. */
  failedMessages: FailedMessage[];
  /** Cases from the field waiting for an admin's decision (the toolkit). */
  pendingCases: number;
  /** People waiting to hear of a programme's next round, over every programme. */
  interestWaiting: number;
}

interface OverviewCohortRow {
  id: string;
  name: string;
  title: LocalizedText;
  status: CohortStatus;
  starts_at: Date;
  enrolment_closes_at: Date;
  capacity: number;
  seats_taken: number;
  waitlist_length: number;
  pending_approvals: number;
}

const OVERVIEW_COHORT_COLUMNS = `c.id, c.name, p.title, c.status, c.starts_at, c.enrolment_closes_at, c.capacity, c.seats_taken, c.waitlist_length,
  (SELECT count(*)::int FROM cohort_member m WHERE m.cohort_id = c.id AND m.status = 'pending_approval') AS pending_approvals`;

@Injectable()
export class AdminOverviewService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly toolkit: ToolkitService,
    private readonly interest: ProgrammeInterestService,
  ) {}

  async overview(lang: Language, now: Date = new Date()): Promise<AdminOverview> {
    const [upcoming, closing, failed, pendingCases]: [OverviewCohortRow[], OverviewCohortRow[], { count: number; latest: FailedMessage[] }, number] = await Promise.all([
      this.dataSource.query(
        `SELECT ${OVERVIEW_COHORT_COLUMNS} FROM cohort_listing c JOIN programme_listing p ON p.id = c.programme_id
          WHERE c.status IN ('draft', 'published') AND c.starts_at > $1
          ORDER BY c.starts_at, c.id LIMIT $2`,
        [now, OVERVIEW_COHORTS],
      ),
      this.dataSource.query(
        `SELECT ${OVERVIEW_COHORT_COLUMNS} FROM cohort_listing c JOIN programme_listing p ON p.id = c.programme_id
          WHERE c.status = 'published' AND c.enrolment_opens_at <= $1 AND c.enrolment_closes_at > $1
            AND c.enrolment_closes_at <= $1::timestamptz + make_interval(days => $2)
          ORDER BY c.enrolment_closes_at, c.id`,
        [now, CLOSING_WINDOW_DAYS],
      ),
      this.outbox.failed(OVERVIEW_FAILED_MESSAGES),
      this.toolkit.pendingCount(),
    ]);
    const overviewCohort = (row: OverviewCohortRow): OverviewCohort => ({
      cohortId: row.id,
      cohortName: row.name,
      programmeTitle: localized(row.title, lang),
      status: row.status,
      startsAt: row.starts_at,
      enrolmentClosesAt: row.enrolment_closes_at,
      capacity: row.capacity,
      seatsTaken: row.seats_taken,
      waitlistLength: row.waitlist_length,
      pendingApprovals: row.pending_approvals,
      full: row.seats_taken >= row.capacity,
    });
    return {
      upcomingCohorts: upcoming.map(overviewCohort),
      closingSoon: closing.map(overviewCohort),
      failedCount: failed.count,
      failedMessages: failed.latest,
      pendingCases,
      interestWaiting: await this.interest.totalWaiting(),
    };
  }
}
