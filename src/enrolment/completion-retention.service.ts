// Anonymising completions when the register's retention period has passed (issue 18). Enrolment
// owns the completion table, so the register's retention job asks this service: the person and the
// certificate code go, the programme, round, agency and date stay for the numbers. A round counts
// as ended at its last session (its ends_at); a round without one, at the completion itself.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

@Injectable()
export class CompletionRetentionService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Anonymises at most `batch` completions of rounds that ended before `endedBefore`; answers how
   * many. Rows already anonymised are skipped, so a rerun or a second worker changes nothing twice.
   */
  async anonymiseEndedBefore(endedBefore: Date, batch: number): Promise<number> {
    const [, count]: [unknown, number] = await this.dataSource.query(
      `UPDATE completion SET user_id = NULL, certificate_code = NULL, anonymised_at = now()
        WHERE id IN (SELECT k.id FROM completion k JOIN cohort_listing c ON c.id = k.cohort_id
                      WHERE k.anonymised_at IS NULL AND coalesce(c.ends_at, k.completed_at) < $1
                      ORDER BY k.id LIMIT $2 FOR UPDATE OF k SKIP LOCKED)
          AND anonymised_at IS NULL`,
      [endedBefore, batch],
    );
    return count;
  }
}
