// The public events page (/events): the upcoming sessions of published rounds and the network's own
// events (the developer days) in time order, grouped by month, filtered by programme and month with
// a GET form. A filter that cannot be read shows the page again, 400, with the message next to its
// field and what was typed kept. What the page shows is events.view.ts's.
import { Controller, Get, HttpStatus, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { Public } from '../access/access.decorator';
import { FieldErrors } from '../errors/domain-errors';
import { Language } from '../i18n/i18n';
import { FieldMessages, fieldText, translateFields, validateForm } from '../web/forms';
import { Lang } from '../web/language';
import { EVENTS_FILTER_FIELDS, EventsQueryDto } from './calendar.dto';
import { eventsPage } from './events.view';
import { NetworkEventsService } from './network-events.service';

@ApiExcludeController()
@Public()
@Controller()
export class EventsController {
  constructor(private readonly events: NetworkEventsService) {}

  @Get('events')
  async page(@Query() query: unknown, @Lang() lang: Language, @Res() reply: FastifyReply) {
    // Only the filter's own fields are read: a shared link with other parameters still works.
    const values = Object.fromEntries(EVENTS_FILTER_FIELDS.map((field) => [field, fieldText(query, field)]));
    const raw = (query && typeof query === 'object' ? query : {}) as Record<string, unknown>;
    const form = await validateForm(EventsQueryDto, Object.fromEntries(EVENTS_FILTER_FIELDS.filter((field) => field in raw).map((field) => [field, raw[field]])));
    let errors: FieldMessages | null = form.errors;
    let listing: Awaited<ReturnType<NetworkEventsService['upcoming']>> | null = null;
    if (form.value) {
      try {
        listing = await this.events.upcoming({ programme: form.value.programme?.trim() || null, month: form.value.month?.trim() || null }, lang);
      } catch (error) {
        if (!(error instanceof FieldErrors)) throw error;
        errors = error.fields;
      }
    }
    const messages = errors ? translateFields(errors, lang) : null;
    const programmes = await this.events.programmeOptions(lang);
    return reply.status(messages ? HttpStatus.BAD_REQUEST : HttpStatus.OK).view('calendar/events', eventsPage(lang, values, messages, programmes, listing));
  }
}
