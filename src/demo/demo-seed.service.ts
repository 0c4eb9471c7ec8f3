// Seeds the demo platform on an empty database outside production, so `npm start` shows a living
// site. Safe to run from several processes at once: inserts skip rows that already exist, and the
// rounds and the discussions are seeded under advisory locks by whichever process gets them first.
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { DemoNetworkEventsService } from '../calendar/demo-network-events.service';
import { CatalogueService } from '../catalogue/catalogue.service';
import { DemoCohortsService } from '../catalogue/demo-cohorts.service';
import { ProgrammesService } from '../catalogue/programmes.service';
import { SchedulingService } from '../catalogue/scheduling.service';
import { CONFIG, Config } from '../config/config';
import { NotAllowed, Refused } from '../errors/domain-errors';
import { AgencyService } from '../identity/agency.service';
import { DemoPeopleService } from '../identity/demo-people.service';
import { LOGGER } from '../logging/logger';
import { NotificationsService } from '../notifications/notifications.service';
import { TEST_MESSAGE_KIND } from '../notifications/outbox.service';
import { UserService } from '../identity/user.service';
import { Actor } from '../access/capabilities';
import { EnrolmentService } from '../enrolment/enrolment.service';
import { DiscussionImportService } from '../forums/discussion-import.service';
import { ForumsService } from '../forums/forums.service';
import { ModerationService } from '../forums/moderation.service';
import { DEMO_AGENCIES, DEMO_COHORTS, DEMO_ENROLMENTS, DEMO_FACILITATOR, DEMO_MAIL_RECIPIENTS, DEMO_NETWORK_EVENTS, DEMO_PASSWORD, DEMO_PROGRAMMES, DEMO_USERS } from './demo-data';
import { DemoAfterRoundService } from './demo-after-round.service';
import { DemoLibraryService } from './demo-library.service';
import { DemoNewsletterService } from '../newsletter/demo-newsletter.service';
import { DemoChannel, demoInstant, DEMO_THREADS } from './demo-discussions';
import { whileDemoLocked } from './demo-lock';

/** Arbitrary, fixed key of the advisory lock that lets one process at a time schedule the demo rounds ("demo" in ASCII). */
const COHORTS_LOCK_KEY = 0x64656d6f;
/** Same, for the rounds' participants and the discussions ("demF"). */
const DISCUSSIONS_LOCK_KEY = 0x64656d46;

/** How many demo writes run at once: a start has connections to spare, and posting one by one was the slowest part of the seed. */
const WRITERS = 4;

const cohortKey = (programmeSlug: string, round: string) => `${programmeSlug}/${round}`;

/** `work` on every item, at most `limit` at a time. */
async function atMostAtOnce<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

@Injectable()
export class DemoSeedService implements OnApplicationBootstrap {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly catalogue: CatalogueService,
    private readonly programmes: ProgrammesService,
    private readonly agencies: AgencyService,
    private readonly notifications: NotificationsService,
    private readonly users: UserService,
    private readonly scheduling: SchedulingService,
    private readonly enrolment: EnrolmentService,
    private readonly forums: ForumsService,
    private readonly moderation: ModerationService,
    private readonly people: DemoPeopleService,
    private readonly cohorts: DemoCohortsService,
    private readonly networkEvents: DemoNetworkEventsService,
    private readonly discussions: DiscussionImportService,
    private readonly afterRound: DemoAfterRoundService,
    private readonly library: DemoLibraryService,
    private readonly newsletter: DemoNewsletterService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async onApplicationBootstrap() {
    if (!this.config.demoData) return;
    await this.seedIfEmpty();
    await this.seedUsersIfNone();
    // Before the rounds, which copy their programme's feedback template when they are scheduled.
    await this.afterRound.seedFeedbackTemplatesIfNone();
    await this.seedRoundsIfNone();
    await this.afterRound.seedRecentRoundIfNone();
    await this.seedNetworkEventsIfNone();
    await this.seedDiscussionsIfNone();
    // After the rounds and their people: the materials go on the rounds' sessions.
    await this.library.seedIfNone();
    await this.newsletter.seedIfNone();
  }

  /**
   * The rounds' participants (DEMO_ENROLMENTS, placed by the demo admin) and what the demo people
   * have written (DEMO_THREADS, from fixtures/discussions.json), on a database without any post,
   * once whatever processes start.
   * Posts are written through ForumsService as their authors, so rendering, counts, subscriptions
   * and read positions are the real ones; then their times are moved back to when the demo says
   * they were written (relative to `now`), the threads' activity and the authors' read positions
   * with them, and the mail the posts queued is cancelled. People, rounds or channels that are
   * missing (removed by an admin) are left out.
   * Returns the number of threads written.
   */
  async seedDiscussionsIfNone(now: Date = new Date()): Promise<number> {
    return whileDemoLocked(this.dataSource, DISCUSSIONS_LOCK_KEY, async () => {
      if (await this.discussions.hasPosts()) return 0;
      const people = await this.demoActors();
      const admin = people.get(DEMO_USERS.find((person) => person.admin)!.email);
      if (!admin) {
        this.logger.info('demo discussions not seeded: the demo admin is missing');
        return 0;
      }
      const cohorts = await this.demoCohorts();
      // Round by round, a few at a time: each enrolment locks only its own round.
      await atMostAtOnce(DEMO_ENROLMENTS, WRITERS, async ({ programmeSlug, round, participants }) => {
        const cohortId = cohorts.get(cohortKey(programmeSlug, round));
        if (!cohortId) return;
        for (const email of participants) if (people.has(email)) await this.unlessRefused(() => this.enrolment.enrolByEmail(admin, cohortId, email, null));
      });

      const channels = await this.demoChannels(cohorts);
      const channelOf = (channel: DemoChannel) => ('network' in channel ? channels.get(channel.network) : channels.get(cohortKey(channel.programmeSlug, channel.round)));
      const written: { id: string; at: Date }[] = [];
      const threadIds: string[] = [];
      // Thread by thread, a few at a time: a post locks only its own thread (its channel is only shared).
      await atMostAtOnce(DEMO_THREADS, WRITERS, async (thread) => {
        const channelId = channelOf(thread.channel);
        const [opening, ...replies] = thread.posts;
        const opener = people.get(opening.author);
        if (!channelId || !opener) return;
        const started = await this.unlessRefused(() => this.forums.startThread(opener, channelId, { title: thread.title, body: opening.body, language: opening.language }, 'fi'));
        if (!started) return;
        const { threadId, postId } = started;
        if (thread.postFirst) await this.moderation.switchThread(opener, threadId, 'post_first_on');
        threadIds.push(threadId);
        written.push({ id: postId, at: demoInstant(now, opening.at) });
        const postIds: (string | undefined)[] = [postId];
        for (const reply of replies) {
          const author = people.get(reply.author);
          const replyToId = reply.replyTo === undefined ? undefined : postIds[reply.replyTo];
          const replied = author ? await this.unlessRefused(() => this.forums.reply(author, threadId, { body: reply.body, language: reply.language, replyToId }, 'fi')) : null;
          postIds.push(replied?.postId);
          if (replied) written.push({ id: replied.postId, at: demoInstant(now, reply.at) });
        }
      });
      await this.discussions.backdate(written, threadIds);
      // These posts are history: their mail would have gone when they were written, not now (keys as
      // forum.notifications.ts writes them).
      await atMostAtOnce(written, WRITERS, (post) => this.notifications.cancel({ keyPrefix: `forum-post-${post.id}-` }).then(() => undefined));
      this.logger.info({ threads: threadIds.length, posts: written.length }, 'demo discussions seeded');
      return threadIds.length;
    });
  }

  /**
   * A demo write, or null when the database says no (403, 409): on a database an admin has used,
   * a demo person may no longer be in the round or the round may be over. The demo does without it.
   */
  private async unlessRefused<T>(write: () => Promise<T>): Promise<T | null> {
    try {
      return await write();
    } catch (error) {
      if (!(error instanceof NotAllowed || error instanceof Refused)) throw error;
      this.logger.debug({ err: error }, 'demo write refused');
      return null;
    }
  }

  /** The demo people who have accounts, as the actors they post as. */
  private async demoActors(): Promise<Map<string, Actor>> {
    const people: Actor[] = await this.people.activeByEmail(DEMO_USERS.map((person) => person.email));
    return new Map(people.map((person) => [person.email, person]));
  }

  /** The demo rounds that exist and are published, by programme slug and round name. */
  private async demoCohorts(): Promise<Map<string, string>> {
    return new Map((await this.cohorts.published()).map((cohort) => [cohortKey(cohort.programmeSlug, cohort.name), cohort.id]));
  }

  /**
   * Channels open for writing: the network's by their Finnish name, the published rounds' forums by
   * programme slug and round name (`rounds`, as demoCohorts gives them).
   */
  private async demoChannels(cohorts: Map<string, string>): Promise<Map<string, string>> {
    const cohortKeys = new Map([...cohorts].map(([key, cohortId]) => [cohortId, key]));
    const channels = new Map<string, string>();
    for (const channel of await this.discussions.openChannels()) {
      const key = channel.cohortId === null ? channel.name : cohortKeys.get(channel.cohortId);
      if (key !== undefined) channels.set(key, channel.id);
    }
    return channels;
  }

  /** The developer days (DEMO_NETWORK_EVENTS) on a database without any network event, once whatever processes start. */
  async seedNetworkEventsIfNone(): Promise<number> {
    const added = await this.networkEvents.addIfNone(DEMO_NETWORK_EVENTS);
    if (added) this.logger.info({ networkEvents: added }, 'demo network events seeded');
    return added;
  }

  /**
   * The demo rounds (DEMO_COHORTS), scheduled and published as the demo admin, with the demo coach
   * as the facilitator of the demo programmes, on a database without any round. Needs the demo
   * admin and coach; programmes an admin removed or no longer publishes are left out.
   */
  async seedRoundsIfNone(): Promise<number> {
    return whileDemoLocked(this.dataSource, COHORTS_LOCK_KEY, async () => {
      if (await this.cohorts.anyScheduled()) return 0;
      const admin = await this.users.findByEmail(DEMO_USERS.find((person) => person.admin)!.email);
      const coach = await this.users.findByEmail(DEMO_FACILITATOR);
      if (!admin || !coach) {
        this.logger.info('demo rounds not seeded: the demo admin or coach is missing');
        return 0;
      }
      const programmes = new Map<string, string>();
      for (const { slug } of DEMO_PROGRAMMES) {
        const programme = await this.catalogue.findProgramme(slug, 'fi');
        if (programme?.status !== 'published') continue;
        programmes.set(slug, programme.id);
        await this.programmes.update(admin.id, programme.id, { facilitatorEmails: [DEMO_FACILITATOR] });
      }
      let added = 0;
      for (const { programmeSlug, round } of DEMO_COHORTS) {
        const programmeId = programmes.get(programmeSlug);
        if (!programmeId) continue;
        const cohort = await this.scheduling.schedule(admin.id, programmeId, round);
        await this.scheduling.setCohortStatus(admin.id, cohort.id, 'published');
        added++;
      }
      this.logger.info({ rounds: added }, 'demo rounds seeded');
      return added;
    });
  }

  /** The demo accounts README lists, on a database without any user. */
  async seedUsersIfNone(): Promise<number> {
    if ((await this.users.count()) > 0) return 0;
    const agencies = new Map((await this.agencies.list('fi')).map((a) => [a.name, a.id]));
    let added = 0;
    for (const person of DEMO_USERS) {
      try {
        const user = await this.users.register({
          email: person.email,
          displayName: person.displayName,
          password: DEMO_PASSWORD,
          agencyId: agencies.get(person.agency) ?? null,
          language: person.language,
          siteRole: person.admin ? 'admin' : null,
          // Made-up addresses nobody can read mail at: the demo accounts may do everything at once.
          emailVerified: true,
        });
        if (person.networkDigestHour !== undefined) await this.networkChannelsInDigest(user.id, person.networkDigestHour);
        added++;
      } catch (error) {
        // Another process seeding at the same moment got there first.
        this.logger.debug({ err: error, email: person.email }, 'demo user not added');
      }
    }
    this.logger.info({ users: added }, 'demo accounts seeded');
    return added;
  }

  /** The person's digest at `hour`, with every network channel's posts in it instead of mail of their own. */
  private async networkChannelsInDigest(userId: string, hour: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await this.people.setDigestHour(userId, hour, manager);
      await this.discussions.networkChannelsInDigest(userId, manager);
    });
  }

  /** Seeds only a database with no programmes, so programmes an admin removed do not come back. */
  async seedIfEmpty(): Promise<{ programmes: number; agencies: number }> {
    if ((await this.catalogue.countProgrammes()) > 0) return { programmes: 0, agencies: 0 };
    const agencies = await this.agencies.ensure(DEMO_AGENCIES);
    const programmes = await this.programmes.addPublished(DEMO_PROGRAMMES);
    // A few messages, so the outbox page shows what mail looks like from the first start.
    for (const recipient of DEMO_MAIL_RECIPIENTS) {
      await this.notifications.notify(TEST_MESSAGE_KIND, recipient, { requestedAt: new Date().toISOString() });
    }
    this.logger.info({ programmes, agencies }, 'demo data seeded');
    return { programmes, agencies };
  }
}
