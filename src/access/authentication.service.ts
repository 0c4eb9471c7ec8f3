// Who a request acts for: on web pages the session's user, on the JSON API the owner of the bearer
// token (the API ignores cookies, so no other site can make a browser call it: no CSRF there).
// Either way the person must still be active, and a session must carry their current
// sessionVersion (a password change, deactivation or erasure bumps it, ending every session).
import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { preparedQuery } from '../database/prepared';
import { DomainEvents } from '../events/domain-events';
import { ApiTokensService } from '../identity/api-tokens.service';
import { tokenHash } from '../identity/secret-token';
import { User } from '../identity/user.entity';
import { Actor } from './capabilities';

declare module 'fastify' {
  interface FastifyRequest {
    actor?: Actor | null;
  }
}

/** A person as a request acts for them, as read from identity's view `person u` with ACTOR_COLUMNS. */
export interface ActorRow {
  id: string;
  email: string;
  display_name: string;
  agency_id: string | null;
  language: Actor['language'];
  site_role: Actor['siteRole'];
  session_version: number;
  email_verified: boolean;
  token_id?: string;
  token_used_recently?: boolean;
}

export const ACTOR_COLUMNS = `u.id, u.email, u.display_name, u.agency_id, u.language, u.site_role, u.session_version, (u.email_verified_at IS NOT NULL) AS email_verified`;

export function isApiRequest(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/');
}

function toActor(row: ActorRow): Actor {
  return { id: row.id, email: row.email, displayName: row.display_name, agencyId: row.agency_id, language: row.language, siteRole: row.site_role, emailVerified: row.email_verified };
}

@Injectable()
export class Authentication implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly apiTokens: ApiTokensService,
    private readonly events: DomainEvents,
  ) {}

  onModuleInit() {
    // The version bump of an erasure already ends the person's sessions; deleting them also drops
    // the rows naming them. A deactivated person's sessions end by the bump alone.
    this.events.on('user.leaving', async ({ userId, reason }, manager) => {
      if (reason === 'erased') await manager.query(`DELETE FROM user_session WHERE sess->>'userId' = $1`, [userId]);
    });
  }

  /** Resolves (once per request) and returns the request's actor, or null. */
  async actorFor(request: FastifyRequest): Promise<Actor | null> {
    if (request.actor !== undefined) return request.actor;
    request.actor = isApiRequest(request) ? await this.fromBearer(request.headers.authorization) : await this.fromSession(request);
    return request.actor;
  }

  /** Starts a fresh session for the user (a new id: rotation against session fixation). */
  async signIn(request: FastifyRequest, user: Pick<User, 'id' | 'sessionVersion'>): Promise<void> {
    await request.session.regenerate();
    request.session.userId = user.id;
    request.session.version = user.sessionVersion;
    request.actor = undefined;
  }

  async signOut(request: FastifyRequest): Promise<void> {
    if (request.session) await request.session.destroy();
    request.actor = null;
  }

  private async fromSession(request: FastifyRequest): Promise<Actor | null> {
    const session = request.session;
    if (!session?.userId) return null;
    // The session store reads the person in the same statement as the session (sessions.ts); a
    // session begun in this very request (signing in) has not been read, so its person is asked for.
    const row =
      session.signedInUser !== undefined
        ? session.signedInUser
        : (await preparedQuery<ActorRow>(this.dataSource, 'session-actor', `SELECT ${ACTOR_COLUMNS} FROM person u WHERE u.id = $1 AND u.status = 'active'`, [session.userId]))[0];
    if (!row || row.session_version !== session.version) {
      // Deactivated, erased, or the password changed since: this session is over.
      await session.destroy();
      return null;
    }
    return toActor(row);
  }

  private async fromBearer(header: string | undefined): Promise<Actor | null> {
    const match = /^Bearer\s+([A-Za-z0-9_\-.]{20,200})$/i.exec(header ?? '');
    if (!match) return null;
    const [row]: ActorRow[] = await this.dataSource.query(
      `SELECT ${ACTOR_COLUMNS}, t.id AS token_id, (t.last_used_at > now() - interval '1 minute') AS token_used_recently
         FROM live_api_token t JOIN person u ON u.id = t.user_id
        WHERE t.token_hash = $1 AND u.status = 'active'`,
      [tokenHash(match[1])],
    );
    if (!row) return null;
    // "Last used" to the minute is enough, and spares a write per API call.
    if (!row.token_used_recently) await this.apiTokens.markUsed(row.token_id!);
    return toActor(row);
  }
}
