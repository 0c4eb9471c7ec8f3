// What the demo people have written in the discussion channels, read from fixtures/discussions.json:
// threads in the network's channels (general discussion, events, tools and methods), one
// announcement from the programme team, and in each demo round's forum the coach's advance
// reflection task (a "post first" thread: you see the others' answers once you have written yours)
// and a thread among the participants. Mostly Finnish, with some Swedish and English, as in the
// network itself. The file is checked as it is read, so a mistake in it stops the start with the
// entry named rather than seeding half a demo.
//
// Times are relative to the day the demo is seeded, counted in Finnish working days back, so the
// channels show a spread of activity over the last weeks whenever the demo starts. The rounds
// themselves meet in 2027, so the rounds' threads are written before their first session.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDayOff } from '../catalogue/finnish-holidays';
import { fromHelsinki, toHelsinki } from '../i18n/helsinki-time';
import { isLanguage, Language, LANGUAGES } from '../i18n/i18n';
import { PROJECT_ROOT } from '../paths';

/** Read from the source tree whether the app runs from src/ or dist/, as the UI strings are. */
export const DISCUSSIONS_FILE = join(PROJECT_ROOT, 'src', 'demo', 'fixtures', 'discussions.json');

/** A moment `workdaysAgo` Finnish working days before the seeding day, at `time` (HH:MM) Helsinki. */
export interface DemoTime {
  workdaysAgo: number;
  time: string;
}

export interface DemoPost {
  /** The author's email (a DEMO_USERS person). */
  author: string;
  at: DemoTime;
  language: Language;
  /** Markdown. */
  body: string;
  /** The index of the earlier post in the same thread this one answers. */
  replyTo?: number;
}

/** A network channel by its Finnish name, or a demo round's forum. */
export type DemoChannel = { network: string } | { programmeSlug: string; round: string };

export interface DemoThread {
  channel: DemoChannel;
  title: string;
  /** A reflection thread: participants see the other replies once they have posted theirs. */
  postFirst?: true;
  /** The opening post first, then the replies, in time order. */
  posts: DemoPost[];
}

/** The instant a DemoTime stands for, seen from `now`: whole working days back (weekends and Finnish holidays skipped). */
export function demoInstant(now: Date, { workdaysAgo, time }: DemoTime): Date {
  const today = toHelsinki(now);
  let day = new Date(Date.UTC(today.year, today.month - 1, today.day));
  for (let left = workdaysAgo; left > 0; ) {
    day = new Date(day.getTime() - 86_400_000);
    if (!isDayOff({ year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate() })) left--;
  }
  const [hour, minute] = time.split(':').map(Number);
  return fromHelsinki({ year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate(), hour, minute });
}

type Entry = Record<string, unknown>;

const isEntry = (value: unknown): value is Entry => typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/** The entry's problem with its keys: one it must have and lacks, or one it may not have. */
function keyProblem(entry: Entry, required: string[], optional: string[] = []): string | null {
  const missing = required.find((key) => !(key in entry));
  if (missing) return `"${missing}" is missing`;
  const unknown = Object.keys(entry).find((key) => !required.includes(key) && !optional.includes(key));
  return unknown ? `"${unknown}" is not a field of it` : null;
}

function channelProblem(channel: unknown): string | null {
  if (!isEntry(channel)) return '"channel" must be { "network": name } or { "programmeSlug": slug, "round": name }';
  if ('network' in channel) return keyProblem(channel, ['network']) ?? (isText(channel.network) ? null : '"channel.network" must be a channel name');
  return keyProblem(channel, ['programmeSlug', 'round']) ?? (isText(channel.programmeSlug) && isText(channel.round) ? null : '"channel" must name a programme slug and a round');
}

function postProblem(post: unknown, index: number): string | null {
  if (!isEntry(post)) return 'must be an object';
  const keys = keyProblem(post, ['author', 'at', 'language', 'body'], ['replyTo']);
  if (keys) return keys;
  if (!isText(post.author)) return '"author" must be an email';
  const at = post.at;
  if (!isEntry(at) || keyProblem(at, ['workdaysAgo', 'time']) || !Number.isInteger(at.workdaysAgo) || (at.workdaysAgo as number) < 0 || !/^([01]\d|2[0-3]):[0-5]\d$/.test(String(at.time))) {
    return '"at" must be { "workdaysAgo": a whole number ≥ 0, "time": "HH:MM" }';
  }
  if (!isLanguage(post.language)) return `"language" must be one of ${LANGUAGES.join(', ')}`;
  if (!isText(post.body)) return '"body" must be Markdown text';
  if (post.replyTo !== undefined && !(Number.isInteger(post.replyTo) && (post.replyTo as number) >= 0 && (post.replyTo as number) < index)) {
    return '"replyTo" must be the index of an earlier post in the thread';
  }
  return null;
}

function threadProblem(thread: unknown): string | null {
  if (!isEntry(thread)) return 'must be an object';
  const keys = keyProblem(thread, ['channel', 'title', 'posts'], ['postFirst']);
  if (keys) return keys;
  const channel = channelProblem(thread.channel);
  if (channel) return channel;
  if (!isText(thread.title)) return '"title" must be text';
  if (thread.postFirst !== undefined && thread.postFirst !== true) return '"postFirst" must be true or left out';
  if (!Array.isArray(thread.posts) || thread.posts.length === 0) return '"posts" must list the opening post and any replies';
  return null;
}

/** The threads in `raw` (the parsed file), or an error naming the first entry that is not a thread as DemoThread describes. */
export function parseDemoThreads(raw: unknown, source: string): DemoThread[] {
  if (!Array.isArray(raw)) throw new Error(`${source}: must be a list of threads`);
  for (const [t, thread] of raw.entries()) {
    const name = `${source}: thread [${t}]${isEntry(thread) && isText(thread.title) ? ` "${thread.title}"` : ''}`;
    const problem = threadProblem(thread);
    if (problem) throw new Error(`${name}: ${problem}`);
    for (const [p, post] of (thread as { posts: unknown[] }).posts.entries()) {
      const wrong = postProblem(post, p);
      if (wrong) throw new Error(`${name}, posts[${p}]: ${wrong}`);
    }
  }
  return raw as DemoThread[];
}

function loadDemoThreads(file: string): DemoThread[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
  return parseDemoThreads(raw, file);
}

export const DEMO_THREADS: DemoThread[] = loadDemoThreads(DISCUSSIONS_FILE);
