// What the demo seed (src/demo) asks of people beyond registering them: the demo people who may act,
// looked up by email in one query, and a digest hour set without the profile form's other choices.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Language } from '../i18n/i18n';
import { SiteRole } from './user.entity';

/** An active person as they act (the fields of access's Actor). */
export interface ActivePerson {
  id: string;
  email: string;
  displayName: string;
  agencyId: string | null;
  language: Language;
  siteRole: SiteRole | null;
  emailVerified: boolean;
}

@Injectable()
export class DemoPeopleService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The active people among these emails (exactly as written). */
  async activeByEmail(emails: string[]): Promise<ActivePerson[]> {
    return this.dataSource.query(
      `SELECT id, email, display_name AS "displayName", agency_id AS "agencyId", language, site_role AS "siteRole",
              email_verified_at IS NOT NULL AS "emailVerified" FROM app_user WHERE email = ANY($1) AND status = 'active'`,
      [emails],
    );
  }

  /** The hour (Helsinki) the person's daily digest goes out. */
  async setDigestHour(userId: string, hour: number, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query(`UPDATE app_user SET digest_hour = $2 WHERE id = $1`, [userId, hour]);
  }
}
