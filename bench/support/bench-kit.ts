// What every benchmark needs alike: its knobs from the environment, medians and percentiles, a
// log line, and the git state the result was measured at.
import { execFileSync } from 'node:child_process';
import { PROJECT_ROOT } from '../../src/paths';

export function intFromEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be a whole number from ${min} to ${max} (got ${raw})`);
  return value;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

export const median = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** The nearest-rank percentile. */
export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
};

export const log = (line: string) => process.stdout.write(`${line}\n`);

/** The commit measured, and whether the working tree differed from it. */
export function gitState(): { gitCommit: string | null; gitWorkingTreeChanged: boolean } {
  const git = (args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: PROJECT_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return null;
    }
  };
  return { gitCommit: git(['rev-parse', 'HEAD']), gitWorkingTreeChanged: (git(['status', '--porcelain']) ?? '') !== '' };
}
