// Personal access tokens for the JSON API: issued to a person, listed and revoked by them. A token is
// shown once, when issued; only its SHA-256 is kept, so a copy of the database signs nobody in.
// (Checking a token on each request is Authentication's part, in access/: it reads the view
// live_api_token, src/identity/sql/tokens-and-audit.sql.)
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { newSecretToken, tokenHash } from './secret-token';

/** Tells a Verso token apart in logs and secret scanners. */
export const API_TOKEN_PREFIX = 'verso_';
export const TOKEN_NAME_MAX_LENGTH = 100;
export const TOKEN_DEFAULT_NAME = 'API';
export const TOKEN_MAX_DAYS = 365;
export const TOKEN_DEFAULT_DAYS = 90;

export interface IssuedToken {
  id: string;
  /** The secret itself: shown this once. */
  token: string;
  name: string;
  expiresAt: Date;
}

export interface ApiTokenView {
  id: string;
  name: string;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

@Injectable()
export class ApiTokensService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async issue(userId: string, options: { name?: string; expiresInDays?: number } = {}): Promise<IssuedToken> {
    const token = newSecretToken(API_TOKEN_PREFIX);
    const name = options.name?.trim() || TOKEN_DEFAULT_NAME;
    const days = Math.min(Math.max(Math.trunc(options.expiresInDays ?? TOKEN_DEFAULT_DAYS), 1), TOKEN_MAX_DAYS);
    const [row]: { id: string; expires_at: Date }[] = await this.dataSource.query(
      `INSERT INTO api_token (user_id, name, token_hash, expires_at) VALUES ($1, $2, $3, now() + make_interval(days => $4))
       RETURNING id, expires_at`,
      [userId, name, tokenHash(token), days],
    );
    return { id: row.id, token, name, expiresAt: row.expires_at };
  }

  /** The person's tokens, newest first, revoked and expired ones too (so they can see what was used when). */
  async listFor(userId: string): Promise<ApiTokenView[]> {
    return this.dataSource.query(
      `SELECT id, name, created_at AS "createdAt", expires_at AS "expiresAt", last_used_at AS "lastUsedAt", revoked_at AS "revokedAt"
         FROM api_token WHERE user_id = $1 ORDER BY created_at DESC, id`,
      [userId],
    );
  }

  /**
   * Revokes one of the person's own tokens; false when they have none with this id (someone else's
   * token is "not found" too, so ids cannot be probed). Revoking twice keeps the first time.
   */
  async revoke(userId: string, tokenId: string): Promise<boolean> {
    const [rows]: [{ id: string }[], number] = await this.dataSource.query(
      `UPDATE api_token SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 AND user_id = $2 RETURNING id`,
      [tokenId, userId],
    );
    return rows.length === 1;
  }

  /** Revokes every token the person still has, in `manager`'s transaction; returns how many. */
  async revokeAll(manager: EntityManager, userId: string): Promise<number> {
    const [, revoked] = (await manager.query(`UPDATE api_token SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, [userId])) as [unknown, number];
    return revoked;
  }

  /** Notes that the token signed a request in now. */
  async markUsed(tokenId: string): Promise<void> {
    await this.dataSource.query(`UPDATE api_token SET last_used_at = now() WHERE id = $1`, [tokenId]);
  }
}
