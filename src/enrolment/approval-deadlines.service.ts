// Owns the deadlines of managers' approval requests: every 15 minutes (JobName.ApprovalDeadlines)
// requests past their deadline lapse and the person is told, and managers who have not answered in
// 3 days get one reminder with a fresh link. The work list is read without locks; each request is
// then decided on its own by EnrolmentService under the cohort's lock, with its state re-checked in
// the UPDATE itself, so a rerun, a retry or a second worker at the same moment changes and mails
// nothing twice.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { JobHandler } from '../queue/job-handler.decorator';
import { JobName } from '../queue/jobs';
import { EnrolmentService } from './enrolment.service';

/** How long a manager has before the one reminder (the request itself lapses after 14 days, see sql/approval-expiry.sql). */
export const APPROVAL_REMINDER_AFTER = '3 days';
/** Requests taken per run; a backlog beyond this is finished by the next runs. */
const BATCH = 500;

@Injectable()
export class ApprovalDeadlinesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly enrolment: EnrolmentService,
  ) {}

  @JobHandler(JobName.ApprovalDeadlines)
  async run(): Promise<{ lapsed: number; reminded: number }> {
    // Lapsing first: a request whose deadline has passed gets no reminder.
    const due: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM enrolment WHERE status = 'pending_approval' AND approval_expires_at <= now() ORDER BY approval_expires_at LIMIT ${BATCH}`,
    );
    let lapsed = 0;
    for (const { id } of due) if (await this.enrolment.lapseApproval(id)) lapsed++;

    const waiting: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM enrolment
       WHERE status = 'pending_approval' AND approval_reminded_at IS NULL AND approval_expires_at > now()
         AND created_at <= now() - $1::interval
       ORDER BY created_at LIMIT ${BATCH}`,
      [APPROVAL_REMINDER_AFTER],
    );
    let reminded = 0;
    for (const { id } of waiting) if (await this.enrolment.remindApproval(id, APPROVAL_REMINDER_AFTER)) reminded++;
    return { lapsed, reminded };
  }
}
