// Digests: notifications a person asked to get in their digest wait in the outbox until the
// person's own hour (person.digest_hour, Helsinki; the site's DIGEST_HOUR when they chose none)
// on the days of their rhythm (every day, weekdays, Mondays). An hourly job finds who is due and
// queues one job per person, spread over the hour so a busy hour is not one long job; each
// person's job turns their waiting items into one digest email, itself an outbox row with the same
// guarantees. The items are marked sent when the digest is. Each item is re-read as it is gathered
// (its kind's stillValid and refresh, as the worker does for a mail of its own), so one no longer
// true is dropped rather than listed.
//
// One mail combines new posts (title, author, a plain-text excerpt, a link to the post),
// announcements, the other waiting notifications, and the person's sessions in the next 7 days.
// Sessions alone are not news: with nothing waiting no digest is written.
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CONFIG, Config } from '../config/config';
import { formatDate } from '../i18n/dates';
import { toHelsinki } from '../i18n/helsinki-time';
import { Language, translate } from '../i18n/i18n';
import { DigestRhythm } from '../identity/user.entity';
import { JobHandler } from '../queue/job-handler.decorator';
import { digestJobId, JobData, JobName } from '../queue/jobs';
import { QueueService } from '../queue/queue.service';
import { NotificationKinds, UpcomingSession } from './notification-kinds';

export const DIGEST_KIND = 'digest';

declare module './notification-kinds' {
  interface NotificationPayloads {
    /** Written by the digest itself (not notify()): what digestPayload gives the template. */
    [DIGEST_KIND]: ReturnType<DigestService['digestPayload']>;
  }
}

/** A busy hour's digests start over its first 50 minutes, each person at the same minute every time. */
export const DIGEST_SPREAD_MINUTES = 50;
/** How far ahead the digest lists the person's sessions. */
const SESSION_DAYS = 7;
/** A post's excerpt in the digest, in characters. */
const EXCERPT_LENGTH = 280;
/** Kinds that are about a post, shown with their excerpt and link. */
const POST_KINDS = new Set(['forum.post', 'forum.mention']);

interface DigestItem {
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  due_at: Date;
}

interface DigestPerson {
  id: string;
  email: string;
  display_name: string;
  language: Language;
  digest_rhythm: DigestRhythm;
}

/** Where a Helsinki hour stands: its key (yyyymmddhh), hour of day and ISO weekday (1 = Monday). */
export function helsinkiHour(now: Date): { key: string; hour: number; weekday: number } {
  const local = toHelsinki(now);
  const pad = (n: number) => String(n).padStart(2, '0');
  const day = new Date(Date.UTC(local.year, local.month - 1, local.day)).getUTCDay();
  return { key: `${local.year}${pad(local.month)}${pad(local.day)}${pad(local.hour)}`, hour: local.hour, weekday: day === 0 ? 7 : day };
}

/** The person's place in the spread: the same minute of the hour every time, from their id. */
export function spreadDelayMs(userId: string, spreadMinutes = DIGEST_SPREAD_MINUTES): number {
  if (spreadMinutes <= 0) return 0;
  const hash = createHash('sha256').update(userId).digest().readUInt32BE(0);
  return (hash % (spreadMinutes * 60)) * 1000;
}

/** A post's text shortened at a word, for the digest. */
function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= EXCERPT_LENGTH) return flat;
  const cut = flat.slice(0, EXCERPT_LENGTH);
  const space = cut.lastIndexOf(' ');
  return `${(space > EXCERPT_LENGTH / 2 ? cut.slice(0, space) : cut).replace(/[\s.,;:!?–-]+$/, '')}…`;
}

@Injectable()
export class DigestService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CONFIG) private readonly config: Config,
    private readonly kinds: NotificationKinds,
    private readonly queue: QueueService,
  ) {}

  onModuleInit() {
    this.kinds.register({
      name: DIGEST_KIND,
      secretLinks: [],
      subject: (payload, lang) =>
        translate(lang, payload.rhythm === 'weekly' ? 'mail.digest.weeklySubject' : 'mail.digest.subject', { date: payload.date, count: payload.count }),
    });
  }

  /** The hourly job: queues the digests due now (the real time). */
  @JobHandler(JobName.DigestGather)
  async dueThisHour(): Promise<{ people: number }> {
    return this.queueDue(new Date());
  }

  /**
   * Queues one digest job per person whose digest is due in the Helsinki hour of `now` and who has
   * something waiting: their hour (or the site's), on a day of their rhythm. Each job's id names the
   * person and the hour, so running this twice in an hour queues nothing new.
   */
  async queueDue(now: Date, spreadMinutes = DIGEST_SPREAD_MINUTES): Promise<{ people: number }> {
    const { key, hour, weekday } = helsinkiHour(now);
    // From the waiting items (a partial index holds just those), not from every account.
    const due: { id: string }[] = await this.dataSource.query(
      `SELECT u.id FROM person u
       WHERE u.id IN (SELECT recipient_user_id FROM notification WHERE status = 'pending' AND delivery = 'digest' AND due_at <= $1)
         AND u.status = 'active'
         AND coalesce(u.digest_hour, $2) = $3
         AND (u.digest_rhythm = 'daily' OR (u.digest_rhythm = 'weekdays' AND $4 BETWEEN 1 AND 5) OR (u.digest_rhythm = 'weekly' AND $4 = 1))
       ORDER BY u.id`,
      [now, this.config.digestHour, hour, weekday],
    );
    await this.queue.enqueueMany(
      JobName.DigestForPerson,
      due.map(({ id }) => ({ data: { userId: id, hour: key }, options: { jobId: digestJobId(id, key), delayMs: spreadDelayMs(id, spreadMinutes) } })),
    );
    return { people: due.length };
  }

  /**
   * One person's digest: their waiting items as they stand now become one digest row (null when
   * nothing is left to tell). Rows are locked, so two runs never put an item in two digests.
   * Everything the mail needs is read before the transaction: the items' refresh and the sessions
   * take connections of their own, and a job holding one while waiting for another would starve
   * the pool when many digests run at once (bench:home saw it at 30 jobs on a pool of 10).
   */
  @JobHandler(JobName.DigestForPerson)
  async gatherFor({ userId }: JobData<JobName.DigestForPerson>): Promise<{ digestId: string | null }> {
    const [person]: DigestPerson[] = await this.dataSource.query(
      `SELECT id, email, display_name, language, digest_rhythm FROM person WHERE id = $1 AND status = 'active'`,
      [userId],
    );
    if (!person) return { digestId: null };
    const waiting: DigestItem[] = await this.dataSource.query(
      `SELECT id, kind, payload, due_at FROM notification
       WHERE status = 'pending' AND delivery = 'digest' AND due_at <= now() AND recipient_user_id = $1
       ORDER BY due_at, id`,
      [userId],
    );
    if (waiting.length === 0) return { digestId: null };
    const lang = person.language;
    // Each item as it stands now: one no longer true (a post deleted since) leaves the digest.
    const current = await Promise.all(waiting.map((item) => this.kinds.current(item.kind, item.payload, lang)));
    const now = new Date();
    const sessions = await this.kinds.upcomingSessions(userId, now, new Date(now.getTime() + SESSION_DAYS * 24 * 3_600_000), lang);

    const digestId = await this.dataSource.transaction(async (manager) => {
      // Only the items still waiting and not taken by another run of this job.
      const locked: { id: string }[] = await manager.query(
        `SELECT id FROM notification WHERE id = ANY($1::uuid[]) AND status = 'pending' AND delivery = 'digest' FOR UPDATE SKIP LOCKED`,
        [waiting.map((item) => item.id)],
      );
      const mine = new Set(locked.map((row) => row.id));
      const items = waiting.map((item, i) => ({ item, payload: current[i] })).filter(({ item }) => mine.has(item.id));
      const stale = items.filter(({ payload }) => !payload).map(({ item }) => item.id);
      if (stale.length > 0) {
        await manager.query(`UPDATE notification SET status = 'cancelled', last_error = 'stale: no longer true when the digest was gathered', updated_at = now() WHERE id = ANY($1::uuid[])`, [stale]);
      }
      const live = items.flatMap(({ item, payload }) => (payload ? [{ ...item, payload }] : []));
      if (live.length === 0) return null;
      const [digest]: { id: string }[] = await manager.query(
        `INSERT INTO notification (kind, recipient_user_id, recipient_email, recipient_name, language, payload, delivery)
         VALUES ($1, $2, $3, $4, $5, $6, 'email') RETURNING id`,
        [DIGEST_KIND, person.id, person.email, person.display_name, lang, this.digestPayload(person, live, sessions, now)],
      );
      await manager.query(`UPDATE notification SET status = 'queued', digest_id = $1, updated_at = now() WHERE id = ANY($2::uuid[])`, [
        digest.id,
        live.map((item) => item.id),
      ]);
      return digest.id;
    });
    return { digestId };
  }

  /** What the digest mail shows: posts, announcements, other notifications and the coming sessions. */
  private digestPayload(person: DigestPerson, live: DigestItem[], sessions: UpcomingSession[], now: Date) {
    const lang = person.language;
    const post = (item: DigestItem) => ({
      threadTitle: String(item.payload.threadTitle ?? ''),
      authorName: String(item.payload.authorName ?? ''),
      channelName: String(item.payload.channelName ?? ''),
      excerpt: excerpt(String(item.payload.bodyText ?? '')),
      url: this.url(item),
    });
    const isPost = (item: DigestItem) => POST_KINDS.has(item.kind);
    const isAnnouncement = (item: DigestItem) => isPost(item) && item.payload.channelKind === 'announcements';
    return {
      date: formatDate(now, lang, 'date'),
      rhythm: person.digest_rhythm,
      count: live.length,
      posts: live.filter((item) => isPost(item) && !isAnnouncement(item)).map(post),
      announcements: live.filter(isAnnouncement).map(post),
      others: live
        .filter((item) => !isPost(item))
        .map((item) => ({ subject: this.kinds.get(item.kind).subject(item.payload, lang), at: formatDate(new Date(item.due_at), lang, 'dateTime'), url: this.url(item) })),
      sessions: sessions.map((session) => ({
        when: `${formatDate(session.startsAt, lang, 'dateTime')}–${formatDate(session.endsAt, lang, 'time')}`,
        round: session.cohortNameIn,
        place: session.place,
        url: `${this.config.baseUrl}${session.path}`,
      })),
    };
  }

  /** The item's page as an address to click in the mail, when its kind names one. */
  private url(item: DigestItem): string | null {
    const path = this.kinds.aboutPath(item.kind, item.payload);
    return path ? `${this.config.baseUrl}${path}` : null;
  }
}
