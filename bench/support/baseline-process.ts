// A bench's bare baseline server (bench/support/*-baseline-process.ts) as a child process of its
// own, with its output kept for when it dies.
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export class BaselineProcess {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  readonly died: Promise<never>;
  private output = '';
  private stopping = false;

  /** `script`: the compiled baseline beside this file, e.g. 'forum-baseline-process.js'; `args`: Node's own. */
  constructor(script: string, env: Record<string, string>, args: string[] = []) {
    this.child = spawn(process.execPath, [...args, join(__dirname, script)], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-16_384));
    this.child.stderr!.on('data', keep);
    this.ready = new Promise((resolve) =>
      this.child.stdout!.on('data', (chunk: Buffer) => {
        keep(chunk);
        if (this.output.includes('ready\n')) resolve();
      }),
    );
    this.died = new Promise<never>((_, reject) =>
      this.child.once('exit', (code, signal) => {
        if (!this.stopping) reject(new Error(`the baseline process exited early (code ${code}, signal ${signal}):\n${this.output}`));
      }),
    );
    this.died.catch(() => undefined);
  }

  get pid(): number {
    return this.child.pid!;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
