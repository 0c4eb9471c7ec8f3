// What the demo seed (src/demo) writes of a round that is already over: the places its people held and
// who was at which session, as they would stand had the round been run in Verso. A finished round
// refuses new enrolments (EnrolmentService), so its history is written here, by the area that owns
// the tables, without the mail a live enrolment sends. The seat counter follows by its trigger.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface PastPlace {
  userId: string;
  agencyId: string | null;
  /** The sessions (ids) the person was marked present at; absent at the others. */
  presentAt: string[];
}

@Injectable()
export class DemoHistoryService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Confirmed places and attendance marked by `markedById` for a round nobody holds a place in yet; false when someone does. */
  async placePast(cohortId: string, sessionIds: string[], places: PastPlace[], markedById: string, confirmedAt: Date): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const [taken] = await manager.query(`SELECT 1 FROM enrolment WHERE cohort_id = $1 LIMIT 1`, [cohortId]);
      if (taken) return false;
      for (const place of places) {
        await manager.query(
          `INSERT INTO enrolment (cohort_id, user_id, agency_id, status, confirmed_at, created_at, updated_at) VALUES ($1, $2, $3, 'confirmed', $4, $4, $4)`,
          [cohortId, place.userId, place.agencyId, confirmedAt],
        );
        for (const sessionId of sessionIds) {
          await manager.query(`INSERT INTO attendance (session_id, user_id, present, marked_by_id) VALUES ($1, $2, $3, $4)`, [
            sessionId,
            place.userId,
            place.presentAt.includes(sessionId),
            markedById,
          ]);
        }
      }
      return true;
    });
  }
}
