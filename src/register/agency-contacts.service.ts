// Agency contacts: a per-agency role in the register, not a site role. An admin grants it to a
// person for one agency (on the person's admin page) and revokes it; its holder sees every one of
// that agency's trained developers by name and exports them as CSV (RegisterService). Each grant
// and revocation is in the audit log.
import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { FieldErrors, isUuid, NotFound } from '../errors/domain-errors';
import { DomainEvents } from '../events/domain-events';
import { UserService } from '../identity/user.service';

export interface ContactAgency {
  agencyId: string;
  agencyName: string;
  grantedAt: Date;
}

@Injectable()
export class AgencyContactsService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UserService,
    private readonly events: DomainEvents,
  ) {}

  onModuleInit() {
    // A person who leaves (erased or deactivated) is nobody's contact any more; an admin grants it again after a reactivation.
    this.events.on('user.leaving', async ({ userId }, manager) => {
      await manager.query(`DELETE FROM agency_contact WHERE user_id = $1`, [userId]);
    });
  }

  /** The agencies the person is the register's contact for (ids). */
  async agenciesOf(userId: string): Promise<string[]> {
    const rows: { agency_id: string }[] = await this.dataSource.query(`SELECT agency_id FROM agency_contact WHERE user_id = $1`, [userId]);
    return rows.map((row) => row.agency_id);
  }

  /** The same, with names, for the person's admin page. */
  async contactAgencies(userId: string): Promise<ContactAgency[]> {
    return this.dataSource.query(
      `SELECT c.agency_id AS "agencyId", a.name AS "agencyName", c.granted_at AS "grantedAt"
         FROM agency_contact c JOIN agency_name a ON a.id = c.agency_id WHERE c.user_id = $1 ORDER BY a.name`,
      [userId],
    );
  }

  /** Makes the person the agency's contact; granting it again changes nothing. An unknown agency or an inactive person is refused. */
  async grant(actorUserId: string, userId: string, agencyId: unknown): Promise<void> {
    if (typeof agencyId !== 'string' || !isUuid(agencyId)) throw new FieldErrors({ agencyId: 'register.contact.agency.unknown' });
    await this.dataSource.transaction(async (manager) => {
      const [person]: { status: string }[] = await manager.query(`SELECT status FROM person WHERE id = $1`, [userId]);
      if (!person) throw new NotFound();
      if (person.status !== 'active') throw new FieldErrors({ agencyId: 'register.contact.notActive' });
      const [agency]: unknown[] = await manager.query(`SELECT 1 FROM agency_name WHERE id = $1`, [agencyId]);
      if (!agency) throw new FieldErrors({ agencyId: 'register.contact.agency.unknown' });
      const [inserted]: unknown[] = await manager.query(
        `INSERT INTO agency_contact (user_id, agency_id, granted_by_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING user_id`,
        [userId, agencyId, actorUserId],
      );
      if (inserted) await this.users.audit(manager, { actorUserId, action: 'register.contact-granted', targetType: 'user', targetId: userId, details: { agencyId } });
    });
  }

  /** Ends the person's contact role for the agency; one they do not hold changes nothing. */
  async revoke(actorUserId: string, userId: string, agencyId: unknown): Promise<void> {
    if (typeof agencyId !== 'string' || !isUuid(agencyId)) throw new FieldErrors({ agencyId: 'register.contact.agency.unknown' });
    await this.dataSource.transaction(async (manager) => {
      const [, deleted]: [unknown, number] = await manager.query(`DELETE FROM agency_contact WHERE user_id = $1 AND agency_id = $2`, [userId, agencyId]);
      if (deleted > 0) await this.users.audit(manager, { actorUserId, action: 'register.contact-revoked', targetType: 'user', targetId: userId, details: { agencyId } });
    });
  }
}
