// The parent's handle on the SMTP sink child process (smtp-sink-process.ts): start it, reset its
// counts, wait until it has N distinct Message-IDs (with a deadline), read its counts.
import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { SinkReply, SinkRequest, SinkStats } from './smtp-sink-process';

type Pending = { resolve: (reply: SinkReply) => void; reject: (error: Error) => void };
type WithoutReq<T> = T extends unknown ? Omit<T, 'req'> : never;

export class SinkProcess {
  port = 0;
  private child?: ChildProcess;
  private nextReq = 1;
  private readonly pending = new Map<number, Pending>();

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = fork(join(__dirname, 'smtp-sink-process.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child = child;
    child.on('exit', (code, signal) => {
      const error = new Error(`the SMTP sink process exited (code ${code}, signal ${signal})`);
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    });
    this.port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the SMTP sink process did not start within 20 s')), 20_000);
      child.once('error', reject);
      child.on('message', (reply: SinkReply) => {
        if (reply.type === 'ready') {
          clearTimeout(timer);
          resolve(reply.port);
          return;
        }
        const waiting = this.pending.get(reply.req);
        if (!waiting) return;
        this.pending.delete(reply.req);
        waiting.resolve(reply);
      });
    });
  }

  private request(message: WithoutReq<SinkRequest>): { req: number; reply: Promise<SinkReply> } {
    const child = this.child;
    if (!child?.connected) throw new Error('the SMTP sink process is not running');
    const req = this.nextReq++;
    const reply = new Promise<SinkReply>((resolve, reject) => this.pending.set(req, { resolve, reject }));
    child.send({ ...message, req } as SinkRequest);
    return { req, reply };
  }

  async reset(): Promise<void> {
    await this.request({ type: 'reset' }).reply;
  }

  async stats(): Promise<SinkStats> {
    const reply = await this.request({ type: 'stats' }).reply;
    return reply as SinkStats;
  }

  /**
   * Resolves with the sink's stats once it holds `distinct` different Message-IDs; rejects after
   * `timeoutMs`, or as soon as `abort` rejects (a worker that died), naming how far it got.
   */
  async waitForDistinct(distinct: number, timeoutMs: number, what: string, abort?: Promise<never>): Promise<SinkStats> {
    const { req, reply } = this.request({ type: 'await', distinct });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.pending.delete(req);
        void this.stats()
          .then((s) => `${s.distinct} distinct of ${s.total} received`)
          .catch(() => 'the sink did not answer')
          .then((got) => reject(new Error(`${what}: the sink did not get ${distinct} distinct messages within ${timeoutMs / 1000} s (${got})`)));
      }, timeoutMs);
    });
    try {
      return (await Promise.race([reply, timeout, ...(abort ? [abort] : [])])) as SinkStats;
    } finally {
      clearTimeout(timer);
      this.pending.delete(req);
    }
  }

  async dump(): Promise<{ counts: Map<string, number>; stats: SinkStats }> {
    const reply = (await this.request({ type: 'dump' }).reply) as Extract<SinkReply, { type: 'dump' }>;
    return { counts: new Map(reply.counts), stats: reply.stats };
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      if (child.connected) {
        const { reply } = this.request({ type: 'stop' });
        await Promise.race([reply.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 5000))]);
      }
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    }
  }
}
