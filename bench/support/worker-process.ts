// The app's worker as a separate process (the built dist/src/main.js, as `npm start` runs it), with
// its memory watched through /proc: VmRSS sampled every 100 ms, and VmHWM (the kernel's own peak).
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/paths';

export const MAIN = join(PROJECT_ROOT, 'dist', 'src', 'main.js');
const OUTPUT_LIMIT = 64 * 1024;

/** A /proc/<pid>/status field in kB (VmRSS, VmHWM), or null once the process is gone. */
export function procStatusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** CPU time (user + system) a process has used so far, in ms, or null once it is gone; /proc counts in 1/100 s. */
export function procCpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

export class WorkerProcess {
  readonly child: ChildProcess;
  /** Rejects when the process exits before stop() was called: race it against any wait. */
  readonly died: Promise<never>;
  private output = '';
  private stopping = false;
  private readonly exited: Promise<void>;
  private readonly sampler: NodeJS.Timeout;
  maxSampledRssKb = 0;

  /** `nodeArgs`: extra node options, such as --cpu-prof, for investigating. */
  constructor(env: Record<string, string>, nodeArgs: string[] = []) {
    this.child = spawn(process.execPath, [...nodeArgs, MAIN], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => {
      this.output += chunk.toString();
      if (this.output.length > OUTPUT_LIMIT) this.output = this.output.slice(-OUTPUT_LIMIT);
    };
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
    this.died = new Promise<never>((_, reject) =>
      this.child.once('exit', (code, signal) => {
        if (!this.stopping) reject(new Error(`the worker process exited early (code ${code}, signal ${signal}):\n${this.tail()}`));
      }),
    );
    this.died.catch(() => undefined);
    this.sampler = setInterval(() => {
      const rss = this.child.pid ? procStatusKb(this.child.pid, 'VmRSS') : null;
      if (rss && rss > this.maxSampledRssKb) this.maxSampledRssKb = rss;
    }, 100);
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  cpuMs(): number | null {
    return procCpuMs(this.pid);
  }

  /** The kernel's high-water mark of the process's resident set, in kB; read it before stop(). */
  peakRssKb(): number | null {
    return procStatusKb(this.pid, 'VmHWM');
  }

  tail(lines = 30): string {
    return this.output.trim().split('\n').slice(-lines).join('\n');
  }

  /** SIGTERM (the app's graceful stop), SIGKILL after `graceMs`; resolves once it has exited. */
  async stop(graceMs = 15_000): Promise<void> {
    this.stopping = true;
    clearInterval(this.sampler);
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.running && this.child.kill('SIGKILL'), graceMs);
    try {
      await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

export interface WebAppOptions {
  port: number;
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  nodeArgs?: string[];
  /** Settings to add or override (the defaults are a production web process on the loopback). */
  env?: Record<string, string>;
  bootTimeoutMs?: number;
}

/**
 * One web process of the app as the benches run it, once /health/ready answers 200: production
 * settings, Secure cookies behind a "proxy" the loopback stands for (TRUST_PROXY), no demo data.
 */
export async function startWebApp(options: WebAppOptions): Promise<WorkerProcess> {
  const base = `http://127.0.0.1:${options.port}`;
  const web = new WorkerProcess(
    {
      NODE_ENV: 'production',
      SESSION_SECRET: randomBytes(24).toString('hex'),
      APP_ROLE: 'web',
      HOST: '127.0.0.1',
      PORT: String(options.port),
      BASE_URL: base,
      TRUST_PROXY: 'loopback',
      LOG_LEVEL: 'error',
      DATABASE_URL: options.databaseUrl,
      REDIS_URL: options.redisUrl,
      REDIS_PREFIX: options.redisPrefix,
      DEMO_DATA: 'false',
      ...options.env,
    },
    options.nodeArgs,
  );
  const timeoutMs = options.bootTimeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(`${base}/health/ready`)).status === 200) return web;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await web.stop(5000).catch(() => undefined);
      throw new Error(`the web app did not become ready in ${timeoutMs / 1000} s:\n${web.tail()}`);
    }
    await Promise.race([new Promise((resolve) => setTimeout(resolve, 200)), web.died]);
  }
}
