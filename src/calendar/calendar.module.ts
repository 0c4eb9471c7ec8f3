// Calendars and reminders (issue 7): the reminder mails and session change mails with their .ics
// invitations, the personal, public and per-cohort iCalendar feeds, and the events page with the
// network's own events, which the one search finds (network-event.search.ts). Sits above enrolment:
// it reads rounds, sessions and seats, never the other way.
import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { EnrolmentModule } from '../enrolment/enrolment.module';
import { AdminEventsController } from './admin-events.controller';
import { AdminEventRegistrationsController, EventRegistrationApiController, EventRegistrationController } from './event-registration.controller';
import { EventRegistration } from './event-registration.entity';
import { EventRegistrationNotifications } from './event-registration.notifications';
import { EventRegistrationService } from './event-registration.service';
import { CalendarFeed } from './calendar-feed.entity';
import { DemoNetworkEventsService } from './demo-network-events.service';
import { EventsController } from './events.controller';
import { NetworkEvent } from './network-event.entity';
import { NetworkEventSearch } from './network-event.search';
import { NetworkEventsService } from './network-events.service';
import { SearchSources } from '../search/search-sources';
import { CalendarController } from './calendar.controller';
import { CalendarFeedService } from './calendar-feed.service';
import { ReminderNotifications } from './reminders.notifications';
import { RemindersService } from './reminders.service';
import { SessionCalendarService } from './session-calendar.service';

@Module({
  imports: [TypeOrmModule.forFeature([CalendarFeed, NetworkEvent, EventRegistration]), CatalogueModule, EnrolmentModule],
  controllers: [CalendarController, EventsController, AdminEventsController, EventRegistrationController, AdminEventRegistrationsController, EventRegistrationApiController],
  providers: [NetworkEventsService, CalendarFeedService, SessionCalendarService, RemindersService, ReminderNotifications, DemoNetworkEventsService, NetworkEventSearch, EventRegistrationService, EventRegistrationNotifications],
  exports: [NetworkEventsService, DemoNetworkEventsService],
})
export class CalendarModule implements OnModuleInit {
  constructor(
    private readonly sources: SearchSources,
    private readonly eventSearch: NetworkEventSearch,
  ) {}

  /** Network events are found by the one search (search/search-sources.ts). */
  onModuleInit() {
    this.sources.register(this.eventSearch);
  }
}
