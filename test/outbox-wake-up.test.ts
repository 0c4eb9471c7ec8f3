// Relays are woken by PostgreSQL when notifications are written: the trigger's NOTIFY arrives at
// commit (never for a rolled-back write), and the listener survives a lost connection.
import pino from 'pino';
import { Client } from 'pg';
import { PgListener } from '../src/database/pg-listener';
import { createTestDatabase, dropTestDatabase } from './support/test-database';
import { TcpProxy } from './support/tcp-proxy';

const CHANNEL = 'notification_written';
const logger = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await sleep(20);
  return done();
}

const INSERT = `INSERT INTO notification (kind, recipient_email, language, payload, delivery, due_at)
                VALUES ('test-message', 'aino.virtanen@example.fi', 'fi', '{}', 'email', now())`;

describe('outbox wake-up', () => {
  let url: string;
  let writer: Client;

  beforeAll(async () => {
    url = await createTestDatabase();
    writer = new Client({ connectionString: url });
    await writer.connect();
  });
  afterAll(async () => {
    await writer.end();
    await dropTestDatabase(url);
  });

  it('wakes the listener once a notification commits, and not for a rolled-back one', async () => {
    let wakeUps = 0;
    const listener = new PgListener(url, CHANNEL, () => wakeUps++, logger);
    listener.start();
    try {
      expect(await until(() => wakeUps === 1, 5000)).toBe(true); // the look it takes on connecting
      await writer.query('BEGIN');
      await writer.query(INSERT);
      await writer.query(INSERT);
      await sleep(300);
      expect(wakeUps).toBe(1); // nothing before the commit
      await writer.query('COMMIT');
      expect(await until(() => wakeUps === 2, 5000)).toBe(true);

      await writer.query('BEGIN');
      await writer.query(INSERT);
      await writer.query('ROLLBACK');
      await sleep(300);
      expect(wakeUps).toBe(2);
    } finally {
      await listener.stop();
    }
  });

  it('listens again after losing its connection', async () => {
    const proxy = new TcpProxy('127.0.0.1', 5432);
    const viaProxy = new URL(url);
    viaProxy.host = `127.0.0.1:${await proxy.start()}`;
    let wakeUps = 0;
    const listener = new PgListener(viaProxy.toString(), CHANNEL, () => wakeUps++, logger);
    listener.start();
    try {
      expect(await until(() => wakeUps === 1, 5000)).toBe(true);
      const port = proxy.port;
      await proxy.stop();
      await writer.query(INSERT); // sent while the listener is away: it must not count on this one
      await sleep(300);
      await proxy.start(port);
      // Back: it reconnects and looks once at once; then a new write wakes it again.
      expect(await until(() => wakeUps === 2, 10000)).toBe(true);
      await writer.query(INSERT);
      expect(await until(() => wakeUps === 3, 5000)).toBe(true);
    } finally {
      await listener.stop();
      await proxy.stop();
    }
  });
});
