// What the demo seed (src/demo) reads of the rounds: whether any exist, and the published ones by
// their programme's slug and their name, the way the demo data names them.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface PublishedCohort {
  id: string;
  programmeSlug: string;
  name: string;
}

@Injectable()
export class DemoCohortsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Whether any round has been scheduled, whatever its status. */
  async anyScheduled(): Promise<boolean> {
    const [{ scheduled }]: { scheduled: boolean }[] = await this.dataSource.query(`SELECT EXISTS (SELECT 1 FROM cohort) AS scheduled`);
    return scheduled;
  }

  async published(): Promise<PublishedCohort[]> {
    return this.dataSource.query(
      `SELECT c.id, p.slug AS "programmeSlug", c.name FROM cohort c JOIN programme p ON p.id = c.programme_id WHERE c.status = 'published'`,
    );
  }

  /** Whether a round of the programme has already ended. */
  async anyEnded(programmeId: string, now: Date): Promise<boolean> {
    const [{ ended }]: { ended: boolean }[] = await this.dataSource.query(`SELECT EXISTS (SELECT 1 FROM cohort WHERE programme_id = $1 AND ends_at <= $2) AS ended`, [programmeId, now]);
    return ended;
  }

  /** A round's scheduled sessions, in order. */
  async sessionIds(cohortId: string): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(`SELECT id FROM cohort_session WHERE cohort_id = $1 AND status = 'scheduled' ORDER BY starts_at`, [cohortId]);
    return rows.map((row) => row.id);
  }
}
