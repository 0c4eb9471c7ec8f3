// Retention of the register (JobName.RegisterRetention, daily): a completion is kept by name for
// REGISTER_RETENTION_YEARS after its round ended, an imported one for as long after the end of its
// year; then the person goes (name, address, account link, certificate code) and the numbers stay.
// Batches of BATCH rows, each its own statement, so a large backlog never holds long locks; a rerun
// finds nothing left to do.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CONFIG, Config } from '../config/config';
import { CompletionRetentionService } from '../enrolment/completion-retention.service';
import { JobHandler } from '../queue/job-handler.decorator';
import { JobName } from '../queue/jobs';

const BATCH = 500;

@Injectable()
export class RegisterRetentionService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly completions: CompletionRetentionService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** The moment before which a round must have ended for its completions to be anonymised. */
  cutoff(now: Date): Date {
    const cutoff = new Date(now);
    cutoff.setUTCFullYear(cutoff.getUTCFullYear() - this.config.registerRetentionYears);
    return cutoff;
  }

  @JobHandler(JobName.RegisterRetention)
  async handle(): Promise<{ completions: number; imported: number }> {
    return this.run(new Date());
  }

  /** Anonymises everything past the period at `now` (a test moves it); answers how many rows of each kind. */
  async run(now: Date): Promise<{ completions: number; imported: number }> {
    const cutoff = this.cutoff(now);
    let completions = 0;
    for (let done = BATCH; done === BATCH; ) {
      done = await this.completions.anonymiseEndedBefore(cutoff, BATCH);
      completions += done;
    }
    let imported = 0;
    for (let done = BATCH; done === BATCH; ) {
      done = await this.anonymiseImportedBefore(cutoff, BATCH);
      imported += done;
    }
    return { completions, imported };
  }

  /** An imported row's year ends on 31 December (Helsinki); it goes when that end is before the cutoff. */
  private async anonymiseImportedBefore(cutoff: Date, batch: number): Promise<number> {
    const [, count]: [unknown, number] = await this.dataSource.query(
      `UPDATE historical_completion SET person_name = NULL, email = NULL, user_id = NULL, anonymised_at = now()
        WHERE id IN (SELECT id FROM historical_completion
                      WHERE anonymised_at IS NULL AND (make_date(year + 1, 1, 1)::timestamp AT TIME ZONE 'Europe/Helsinki') <= $1
                      ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
          AND anonymised_at IS NULL`,
      [cutoff, batch],
    );
    return count;
  }
}
