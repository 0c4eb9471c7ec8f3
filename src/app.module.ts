import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Logger } from 'pino';
import { AccessModule } from './access/access.module';
import { AccountsModule } from './accounts/accounts.module';
import { CalendarModule } from './calendar/calendar.module';
import { CatalogueModule } from './catalogue/catalogue.module';
import { CONFIG, Config } from './config/config';
import { dataSourceOptions } from './database/data-source.options';
import { DemoModule } from './demo/demo.module';
import { EnrolmentModule } from './enrolment/enrolment.module';
import { EventsModule } from './events/events.module';
import { FeedbackModule } from './feedback/feedback.module';
import { FilesModule } from './files/files.module';
import { ForumsModule } from './forums/forums.module';
import { HealthModule } from './health/health.module';
import { HomeModule } from './home/home.module';
import { IdentityModule } from './identity/identity.module';
import { MaterialsModule } from './materials/materials.module';
import { NewsletterModule } from './newsletter/newsletter.module';
import { LOGGER } from './logging/logger';
import { NotificationsModule } from './notifications/notifications.module';
import { OpsModule } from './ops/ops.module';
import { QueueModule } from './queue/queue.module';
import { RegisterModule } from './register/register.module';
import { SearchModule } from './search/search.module';
import { ToolkitModule } from './toolkit/toolkit.module';
import { WebModule } from './web/web.module';

/** Makes the validated config and the logger injectable everywhere. */
@Global()
@Module({})
class CoreModule {
  static forRoot(config: Config, logger: Logger): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
      ],
      exports: [CONFIG, LOGGER],
    };
  }
}

@Module({})
export class AppModule {
  static forRoot(config: Config, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config, logger),
        TypeOrmModule.forRoot({ ...dataSourceOptions(config.databaseUrl), retryAttempts: 5, retryDelay: 2000 }),
        QueueModule,
        EventsModule,
        AccessModule,
        NotificationsModule,
        HealthModule,
        WebModule,
        SearchModule,
        IdentityModule,
        AccountsModule,
        CatalogueModule,
        EnrolmentModule,
        CalendarModule,
        FilesModule,
        ForumsModule,
        FeedbackModule,
        RegisterModule,
        MaterialsModule,
        ToolkitModule,
        NewsletterModule,
        HomeModule,
        OpsModule,
        DemoModule,
      ],
    };
  }
}
