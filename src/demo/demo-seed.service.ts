// Seeds the demo platform on an empty database outside production, so `npm start` shows a living
// site. Safe to run from several processes at once: inserts skip rows that already exist, and the
// rounds are scheduled under an advisory lock by whichever process gets it first.
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { CatalogueService } from '../catalogue/catalogue.service';
import { ProgrammesService } from '../catalogue/programmes.service';
import { SchedulingService } from '../catalogue/scheduling.service';
import { CONFIG, Config } from '../config/config';
import { AgencyService } from '../identity/agency.service';
import { LOGGER } from '../logging/logger';
import { NotificationsService } from '../notifications/notifications.service';
import { TEST_MESSAGE_KIND } from '../notifications/outbox.service';
import { UserService } from '../identity/user.service';
import { NetworkEvent } from '../calendar/network-event.entity';
import { DEMO_AGENCIES, DEMO_COHORTS, DEMO_FACILITATOR, DEMO_MAIL_RECIPIENTS, DEMO_NETWORK_EVENTS, DEMO_PASSWORD, DEMO_PROGRAMMES, DEMO_USERS } from './demo-data';

/** Arbitrary, fixed key of the advisory lock that lets one process at a time schedule the demo rounds ("demo" in ASCII). */
const ROUNDS_LOCK_KEY = 0x64656d6f;
/** Same, for the network events ("demE"). */
const NETWORK_EVENTS_LOCK_KEY = 0x64656d45;

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
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async onApplicationBootstrap() {
    if (!this.config.demoData) return;
    await this.seedIfEmpty();
    await this.seedUsersIfNone();
    await this.seedRoundsIfNone();
    await this.seedNetworkEventsIfNone();
  }

  /** The developer days (DEMO_NETWORK_EVENTS) on a database without any network event, once whatever processes start. */
  async seedNetworkEventsIfNone(): Promise<number> {
    const added = await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [NETWORK_EVENTS_LOCK_KEY]);
      if ((await manager.count(NetworkEvent)) > 0) return 0;
      await manager.insert(NetworkEvent, DEMO_NETWORK_EVENTS.map((event) => ({ ...event, status: 'published' as const, revision: 0 })));
      return DEMO_NETWORK_EVENTS.length;
    });
    if (added) this.logger.info({ networkEvents: added }, 'demo network events seeded');
    return added;
  }

  /**
   * The demo rounds (DEMO_COHORTS), scheduled and published as the demo admin, with the demo coach
   * as the facilitator of the demo programmes, on a database without any round. Needs the demo
   * admin and coach; programmes an admin removed or no longer publishes are left out.
   */
  async seedRoundsIfNone(): Promise<number> {
    const lock = this.dataSource.createQueryRunner();
    await lock.connect();
    try {
      await lock.query('SELECT pg_advisory_lock($1)', [ROUNDS_LOCK_KEY]);
      const [{ rounds }]: { rounds: number }[] = await lock.query(`SELECT count(*)::int AS rounds FROM cohort`);
      if (rounds > 0) return 0;
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
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [ROUNDS_LOCK_KEY]).catch(() => undefined);
      await lock.release();
    }
  }

  /** The demo accounts README lists, on a database without any user. */
  async seedUsersIfNone(): Promise<number> {
    if ((await this.users.count()) > 0) return 0;
    const agencies = new Map((await this.agencies.list('fi')).map((a) => [a.name, a.id]));
    let added = 0;
    for (const person of DEMO_USERS) {
      try {
        await this.users.register({
          email: person.email,
          displayName: person.displayName,
          password: DEMO_PASSWORD,
          agencyId: agencies.get(person.agency) ?? null,
          language: person.language,
          siteRole: person.admin ? 'admin' : null,
        });
        added++;
      } catch (error) {
        // Another process seeding at the same moment got there first.
        this.logger.debug({ err: error, email: person.email }, 'demo user not added');
      }
    }
    this.logger.info({ users: added }, 'demo accounts seeded');
    return added;
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
