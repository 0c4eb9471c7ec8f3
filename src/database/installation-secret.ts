// The server secret of an installation without SESSION_SECRET (never production: the demo, the
// tests). It is made at random on first start and kept in the database, so every process of the
// installation signs cookies, calendar-feed and unsubscribe addresses, and seals secret links with
// the same one, and it outlives restarts. No source file holds a secret, so one installation's
// addresses cannot be made by anyone who has read the code.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { Config } from '../config/config';

/** The config with its session secret: SESSION_SECRET when set, else the installation's own. */
export async function withSessionSecret(config: Config): Promise<Config> {
  if (config.sessionSecret) return config;
  return Object.freeze({ ...config, sessionSecret: await installationSecret(config.databaseUrl) });
}

/** The installation's secret, made now if it has none. The database must be migrated. */
export async function installationSecret(databaseUrl: string): Promise<string> {
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000, application_name: 'verso' });
  await client.connect();
  try {
    // Processes starting at once each offer one: the first row stays, and all of them read it.
    await client.query(`INSERT INTO installation_secret (session_secret) VALUES ($1) ON CONFLICT DO NOTHING`, [randomBytes(32).toString('base64url')]);
    const { rows } = await client.query<{ session_secret: string }>(`SELECT session_secret FROM installation_secret`);
    return rows[0].session_secret;
  } finally {
    await client.end();
  }
}
