// What admins see and do with people's accounts: find them, read their record and its audit trail,
// give or take the admin role, deactivate and reactivate, and erase on request. Every change is
// written to the audit log with the acting admin, in the change's own transaction.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DomainEvents } from '../events/domain-events';
import { Language } from '../i18n/i18n';
import { ApiTokensService } from '../identity/api-tokens.service';
import { ErasureService } from '../identity/erasure.service';
import { SiteRole, UserStatus } from '../identity/user.entity';
import { UserService } from '../identity/user.service';
import { FieldErrors, isUuid, NotFound } from '../errors/domain-errors';
import { RoleChoice, UserSort } from './admin.dto';

export const USERS_PAGE_SIZE = 50;
const AUDIT_ENTRIES_SHOWN = 100;
const ERASURE_REQUESTS_SHOWN = 100;

/** Names sort as the reader's language sorts them (Ä and Ö after Z in Finnish and Swedish). */
const NAME_COLLATION: Record<Language, string> = { fi: 'fi-x-icu', sv: 'sv-x-icu', en: 'en-x-icu' };

export interface UserFilter {
  q?: string;
  status?: UserStatus;
  sort?: UserSort;
  page?: number;
}

export interface UserRow {
  id: string;
  displayName: string;
  email: string;
  agencyName: string | null;
  siteRole: SiteRole | null;
  status: UserStatus;
  createdAt: Date;
  lastSignedInAt: Date | null;
  erasureRequestedAt: Date | null;
}

export interface AuditEntryView {
  id: string;
  action: string;
  actorUserId: string | null;
  actorName: string | null;
  actorErased: boolean;
  details: Record<string, unknown>;
  createdAt: Date;
}

export interface UserRecord extends UserRow {
  language: Language;
  auditEntries: AuditEntryView[];
  /** What the admin reading the record may do to it (the same rules the changes below keep). */
  mayDeactivate: boolean;
  mayReactivate: boolean;
  mayErase: boolean;
}

const USER_COLUMNS = `u.id, u.display_name AS "displayName", u.email, a.name AS "agencyName", u.site_role AS "siteRole",
  u.status, u.created_at AS "createdAt", u.last_signed_in_at AS "lastSignedInAt", u.erasure_requested_at AS "erasureRequestedAt"`;

/** Whether the person facilitates: the rounds they run that are not over, and how many they have ever run. */
export interface FacilitatorMark {
  facilitatedCount: number;
  /** At most FACILITATED_SHOWN, soonest first. */
  facilitating: { id: string; name: string }[];
}

const FACILITATED_SHOWN = 3;

// Facilitating is a role people hold in rounds; the list reads it through the catalogue's views
// (facilitator_listing, cohort_listing) so admins see who facilitates without accounts depending on
// the catalogue's code.
const FACILITATOR_COLUMNS = `(SELECT count(*)::int FROM facilitator_listing f WHERE f.user_id = u.id) AS "facilitatedCount",
  coalesce((SELECT json_agg(json_build_object('id', r.id, 'name', r.name) ORDER BY r.starts_at) FROM (
     SELECT c.id, c.name, c.starts_at FROM facilitator_listing f JOIN cohort_listing c ON c.id = f.cohort_id
      WHERE f.user_id = u.id AND c.ends_at > now() AND c.status <> 'cancelled' ORDER BY c.starts_at LIMIT ${FACILITATED_SHOWN}) r), '[]') AS "facilitating"`;

/** `%text%` for LIKE, with the text's own % _ and \ taken literally. */
function containing(text: string): string {
  return `%${text.replace(/[\\%_]/g, '\\$&')}%`;
}

@Injectable()
export class AdminUsersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UserService,
    private readonly apiTokens: ApiTokensService,
    private readonly erasure: ErasureService,
    private readonly events: DomainEvents,
  ) {}

  /** One page of people matching the filter, newest first or by name; `hasNext` when more follow. */
  async list(filter: UserFilter, lang: Language): Promise<{ rows: (UserRow & FacilitatorMark)[]; hasNext: boolean }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.q) {
      // ICU's lowercase, whatever the database's own locale: "äijälä" finds "ÄIJÄLÄ" everywhere.
      const q = containing(filter.q.normalize('NFC').toLowerCase());
      where.push(`(lower(u.display_name COLLATE "und-x-icu") LIKE $${params.push(q)} OR lower(u.email COLLATE "und-x-icu") LIKE $${params.length})`);
    }
    if (filter.status) where.push(`u.status = $${params.push(filter.status)}`);
    const order =
      filter.sort === 'name'
        ? // Erased accounts have no name: they go last rather than first.
          `(u.status = 'erased'), u.display_name COLLATE "${NAME_COLLATION[lang]}", u.id`
        : `u.created_at DESC, u.id DESC`;
    const offset = ((filter.page ?? 1) - 1) * USERS_PAGE_SIZE;
    const rows: (UserRow & FacilitatorMark)[] = await this.dataSource.query(
      `SELECT ${USER_COLUMNS}, ${FACILITATOR_COLUMNS} FROM person u LEFT JOIN agency_name a ON a.id = u.agency_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY ${order} LIMIT ${USERS_PAGE_SIZE + 1} OFFSET ${offset}`,
      params,
    );
    return { rows: rows.slice(0, USERS_PAGE_SIZE), hasNext: rows.length > USERS_PAGE_SIZE };
  }

  /** People waiting for an admin to carry out their erasure request, longest waiting first. */
  async erasureRequests(): Promise<UserRow[]> {
    return this.dataSource.query(
      `SELECT ${USER_COLUMNS} FROM person u LEFT JOIN agency_name a ON a.id = u.agency_id
        WHERE u.erasure_requested_at IS NOT NULL AND u.status <> 'erased'
        ORDER BY u.erasure_requested_at, u.id LIMIT ${ERASURE_REQUESTS_SHOWN}`,
    );
  }

  /** The person's record, what has been done to their account and what the admin may do to it; null for an unknown id. */
  async find(userId: string, actorUserId: string): Promise<UserRecord | null> {
    if (!isUuid(userId)) return null;
    const [user]: (UserRow & { language: Language })[] = await this.dataSource.query(
      `SELECT ${USER_COLUMNS}, u.language FROM person u LEFT JOIN agency_name a ON a.id = u.agency_id WHERE u.id = $1`,
      [userId],
    );
    if (!user) return null;
    const auditEntries: AuditEntryView[] = await this.dataSource.query(
      `SELECT l.id, l.action, l.actor_user_id AS "actorUserId", actor.display_name AS "actorName",
              coalesce(actor.status = 'erased', false) AS "actorErased", l.details, l.created_at AS "createdAt"
         FROM audit_entry l LEFT JOIN person actor ON actor.id = l.actor_user_id
        WHERE l.target_type = 'user' AND l.target_id = $1
        ORDER BY l.created_at DESC, l.id DESC LIMIT ${AUDIT_ENTRIES_SHOWN}`,
      [userId],
    );
    const isSelf = userId === actorUserId;
    return {
      ...user,
      auditEntries,
      mayDeactivate: user.status === 'active' && !isSelf,
      mayReactivate: user.status === 'deactivated',
      // Erasure is the person's own request, carried out by another admin.
      mayErase: Boolean(user.erasureRequestedAt) && user.status !== 'erased' && !isSelf,
    };
  }

  /** Gives or takes the admin role. Nobody takes their own: that is how a site loses its last admin. */
  async changeRole(actorUserId: string, userId: string, role: RoleChoice): Promise<void> {
    const siteRole: SiteRole | null = role === 'admin' ? 'admin' : null;
    if (userId === actorUserId && siteRole === null) throw new FieldErrors({ role: 'admin.role.notYourOwn' });
    await this.dataSource.transaction(async (manager) => {
      const user = await this.lockUser(manager, userId);
      if (user.status === 'erased') throw new FieldErrors({ role: 'admin.role.erased' });
      if (user.siteRole === siteRole) return;
      await this.users.setSiteRole(manager, userId, siteRole);
      await this.users.audit(manager, { actorUserId, action: 'user.role', targetType: 'user', targetId: userId, details: { from: user.siteRole, to: siteRole } });
    });
  }

  /**
   * Shuts the person out at once: every session and API token ends, unused reset links stop working,
   * mail not yet sent to them is cancelled, and what they held goes (their seats to the waitlist,
   * their calendar feed address).
   */
  async deactivate(actorUserId: string, userId: string): Promise<void> {
    if (userId === actorUserId) throw new FieldErrors({ status: 'admin.deactivate.notYourself' });
    await this.dataSource.transaction(async (manager) => {
      const user = await this.lockUser(manager, userId);
      if (user.status !== 'active') throw new FieldErrors({ status: 'admin.deactivate.notActive' });
      await this.users.deactivate(manager, userId);
      const tokensRevoked = await this.apiTokens.revokeAll(manager, userId);
      const [{ notificationsCancelled }]: { notificationsCancelled: number }[] = await manager.query(
        `SELECT notification_cancel_for($1) AS "notificationsCancelled"`,
        [userId],
      );
      // Their reset links end with the rest of what they held (PasswordResetService subscribes).
      await this.events.publish(manager, { name: 'user.leaving', userId, actorUserId, reason: 'deactivated' });
      await this.users.audit(manager, { actorUserId, action: 'user.deactivated', targetType: 'user', targetId: userId, details: { tokensRevoked, notificationsCancelled } });
    });
  }

  /** Lets a deactivated person sign in again; their old sessions and tokens stay ended. */
  async reactivate(actorUserId: string, userId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const user = await this.lockUser(manager, userId);
      if (user.status !== 'deactivated') throw new FieldErrors({ status: 'admin.reactivate.notDeactivated' });
      await this.users.reactivate(manager, userId);
      await this.users.audit(manager, { actorUserId, action: 'user.reactivated', targetType: 'user', targetId: userId });
    });
  }

  /** Carries out the person's own erasure request (ErasureService holds the rules). */
  async erase(actorUserId: string, userId: string): Promise<void> {
    if (!isUuid(userId)) throw new NotFound();
    await this.erasure.erase(actorUserId, userId);
  }

  private async lockUser(manager: EntityManager, userId: string): Promise<{ status: UserStatus; siteRole: SiteRole | null }> {
    if (!isUuid(userId)) throw new NotFound();
    const user = await this.users.lockForChange(manager, userId);
    if (!user) throw new NotFound();
    return user;
  }
}
