// Seeds the demo platform on an empty database outside production, so `npm start` shows a living
// site. Safe to run from several processes at once: inserts skip rows that already exist.
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Logger } from 'pino';
import { CatalogueService } from '../catalogue/catalogue.service';
import { ProgrammesService } from '../catalogue/programmes.service';
import { CONFIG, Config } from '../config/config';
import { AgencyService } from '../identity/agency.service';
import { LOGGER } from '../logging/logger';
import { NotificationsService } from '../notifications/notifications.service';
import { TEST_MESSAGE_KIND } from '../notifications/outbox.service';
import { UserService } from '../identity/user.service';
import { DEMO_AGENCIES, DEMO_MAIL_RECIPIENTS, DEMO_PASSWORD, DEMO_PROGRAMMES, DEMO_USERS } from './demo-data';

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
  ) {}

  async onApplicationBootstrap() {
    if (!this.config.demoData) return;
    await this.seedIfEmpty();
    await this.seedUsersIfNone();
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
