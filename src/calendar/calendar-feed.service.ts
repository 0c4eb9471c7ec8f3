// Personal feed addresses: /calendar/feed/<token>.ics, where the token is an HMAC of the person and
// the feed's generation under the server's secret. The address can be shown again at any time
// (calendar programs keep it for years), yet the database holds only the token's SHA-256; a reset
// bumps the generation, and the old address answers 404 from then on. Changing SESSION_SECRET
// changes every address (the next visit to the calendar page stores the new one).
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHmac } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { CONFIG, Config } from '../config/config';
import { preparedQuery } from '../database/prepared';
import { DomainEvents } from '../events/domain-events';
import { tokenHash } from '../identity/secret-token';
import { personalDigest } from './session-calendar.service';

/** 32 bytes of HMAC-SHA256 in base64url. Anything else is not a token, and is not looked up. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

@Injectable()
export class CalendarFeedService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CONFIG) private readonly config: Config,
    private readonly events: DomainEvents,
  ) {}

  onModuleInit() {
    // An erased person's feed goes. A deactivated person's address ends for good, as by a reset:
    // were they let back in, the address they handed out before would not open again.
    this.events.on('user.leaving', async ({ userId, reason }, manager) => {
      if (reason === 'erased') {
        await manager.query(`DELETE FROM calendar_feed WHERE user_id = $1`, [userId]);
        return;
      }
      const [row]: { generation: number }[] = await manager.query(`SELECT generation FROM calendar_feed WHERE user_id = $1 FOR UPDATE`, [userId]);
      if (row) await this.store(manager, userId, row.generation + 1, this.token(userId, row.generation + 1));
    });
  }

  /** The person's feed address (made on first use). */
  async addressFor(userId: string): Promise<string> {
    return this.dataSource.transaction(async (manager) => {
      const [row]: { generation: number; token_hash: string }[] = await manager.query(`SELECT generation, token_hash FROM calendar_feed WHERE user_id = $1 FOR UPDATE`, [userId]);
      const generation = row?.generation ?? 0;
      const token = this.token(userId, generation);
      if (row?.token_hash !== tokenHash(token)) await this.store(manager, userId, generation, token);
      return this.address(token);
    });
  }

  /** A new address; the old one stops working at once. */
  async reset(userId: string): Promise<string> {
    return this.dataSource.transaction(async (manager) => {
      const [row]: { generation: number }[] = await manager.query(`SELECT generation FROM calendar_feed WHERE user_id = $1 FOR UPDATE`, [userId]);
      const generation = (row?.generation ?? 0) + 1;
      const token = this.token(userId, generation);
      await this.store(manager, userId, generation, token);
      return this.address(token);
    });
  }

  /**
   * Whose feed this token opens (an active person), with the digest of what their feed shows now,
   * in one query: a calendar program polling an unchanged feed costs just this. Null for a
   * malformed, reset or unknown token alike.
   */
  async ownerOf(token: string): Promise<{ userId: string; language: string; sessionsDigest: string } | null> {
    if (!TOKEN.test(token)) return null;
    const [row] = await preparedQuery<{ user_id: string; language: string; digest: string }>(
      this.dataSource,
      'calendar-feed-owner',
      `SELECT f.user_id, u.language, ${personalDigest('f.user_id')} AS digest
       FROM calendar_feed f JOIN person u ON u.id = f.user_id WHERE f.token_hash = $1 AND u.status = 'active'`,
      [tokenHash(token)],
    );
    return row ? { userId: row.user_id, language: row.language, sessionsDigest: row.digest } : null;
  }

  private token(userId: string, generation: number): string {
    return createHmac('sha256', this.config.sessionSecret).update(`calendar-feed:${userId}:${generation}`).digest('base64url');
  }

  private address(token: string): string {
    return `${this.config.baseUrl}/calendar/feed/${token}.ics`;
  }

  private async store(manager: EntityManager, userId: string, generation: number, token: string): Promise<void> {
    await manager.query(
      `INSERT INTO calendar_feed (user_id, generation, token_hash) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE SET generation = excluded.generation, token_hash = excluded.token_hash, updated_at = now()`,
      [userId, generation, tokenHash(token)],
    );
  }
}
