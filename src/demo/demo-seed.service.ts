// Seeds the demo platform on an empty database outside production, so `npm start` shows a living
// site. Safe to run from several processes at once: inserts skip rows that already exist.
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Logger } from 'pino';
import { CatalogueService } from '../catalogue/catalogue.service';
import { CONFIG, Config } from '../config/config';
import { AgencyService } from '../identity/agency.service';
import { LOGGER } from '../logging/logger';
import { NotificationsService } from '../notifications/notifications.service';
import { TEST_MESSAGE_KIND } from '../notifications/outbox.service';
import { DEMO_AGENCIES, DEMO_MAIL_RECIPIENTS, DEMO_PROGRAMMES } from './demo-data';

@Injectable()
export class DemoSeedService implements OnApplicationBootstrap {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly catalogue: CatalogueService,
    private readonly agencies: AgencyService,
    private readonly notifications: NotificationsService,
  ) {}

  async onApplicationBootstrap() {
    if (this.config.demoData) await this.seedIfEmpty();
  }

  /** Seeds only a database with no programmes, so programmes an admin removed do not come back. */
  async seedIfEmpty(): Promise<{ programmes: number; agencies: number }> {
    if ((await this.catalogue.countProgrammes()) > 0) return { programmes: 0, agencies: 0 };
    const agencies = await this.agencies.ensure(DEMO_AGENCIES);
    const programmes = await this.catalogue.addProgrammes(DEMO_PROGRAMMES);
    // A few messages, so the outbox page shows what mail looks like from the first start.
    for (const recipient of DEMO_MAIL_RECIPIENTS) {
      await this.notifications.notify(TEST_MESSAGE_KIND, recipient, { requestedAt: new Date().toISOString() });
    }
    this.logger.info({ programmes, agencies }, 'demo data seeded');
    return { programmes, agencies };
  }
}
