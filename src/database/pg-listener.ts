// A PostgreSQL connection of its own that LISTENs on one channel and calls back on each NOTIFY.
// It reconnects by itself after PostgreSQL restarts, so callers treat a notification as a hint to
// look now and keep a slower poll for anything sent while it was away.
import { Logger } from 'pino';
import { Client } from 'pg';

const RECONNECT_DELAY_MS = 1000;

export class PgListener {
  private client?: Client;
  private retry?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly channel: string,
    private readonly onNotify: () => void,
    private readonly logger: Logger,
  ) {}

  start(): void {
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.databaseUrl, connectionTimeoutMillis: 5000, application_name: `verso-listen-${this.channel}` });
    this.client = client;
    let lost = false;
    const reconnect = (error?: Error) => {
      if (lost) return;
      lost = true;
      if (!this.stopped) this.logger.debug({ err: error, channel: this.channel }, 'listener connection lost; reconnecting');
      client.end().catch(() => undefined);
      if (!this.stopped) this.retry = setTimeout(() => void this.connect(), RECONNECT_DELAY_MS);
    };
    client.on('error', reconnect);
    client.on('end', () => reconnect());
    client.on('notification', () => this.onNotify());
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
      // Whatever was sent while we were away: one look now.
      this.onNotify();
    } catch (error) {
      reconnect(error as Error);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    await this.client?.end().catch(() => undefined);
  }
}
