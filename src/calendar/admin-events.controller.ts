// The admin pages for the network's own events (the developer days): the list, the form that creates
// one, and its page, which edits it (a new time is sent to calendars as an update) and cancels it.
// The rules are NetworkEventsService's: a refused form shows its page again, 400, with each message
// next to its input and the input kept; an edit of a cancelled event shows the reason, 409
// (web/form-round-trip.ts). What the pages show is admin-events.view.ts's.
import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { Requires } from '../access/access.decorator';
import { Actor, Capability } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { checkedId } from '../errors/domain-errors';
import { Language, translate } from '../i18n/i18n';
import { formRoundTrip } from '../web/form-round-trip';
import { unknownFields } from '../web/form-fields';
import { validateForm } from '../web/forms';
import { Lang } from '../web/language';
import { eventFormPage, eventsListPage, formErrors, NOTICES, valuesOfBody, valuesOfEvent } from './admin-events.view';
import { NetworkEventFormDto, networkEventInputOf } from './calendar.dto';
import { NetworkEventsService } from './network-events.service';

@ApiExcludeController()
@Requires(Capability.CohortSchedule)
@Controller('admin/events')
export class AdminEventsController {
  constructor(private readonly events: NetworkEventsService) {}

  @Get()
  async list(@Lang() lang: Language, @Res() reply: FastifyReply) {
    return reply.view('admin/network-events', eventsListPage(await this.events.list(lang), lang));
  }

  @Get('new')
  newForm(@Lang() lang: Language, @Res() reply: FastifyReply) {
    return reply.view('admin/network-event-form', eventFormPage(lang, null, { start: '09:00', end: '16:00' }, null, {}));
  }

  @Post()
  async create(@Body() body: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(NetworkEventFormDto, body);
    return formRoundTrip({
      reply,
      lang,
      errors: form.errors,
      change: async () => {
        const event = await this.events.create(actorId, networkEventInputOf(form.value!));
        return `/admin/events/${event.id}?done=created`;
      },
      view: 'admin/network-event-form',
      page: (state) => eventFormPage(lang, null, valuesOfBody(body), state.errors ?? null, {}),
      fieldsOf: formErrors,
    });
  }

  @Get(':id')
  async show(@Param('id') id: string, @Query('done') done: unknown, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const event = await this.events.findForEdit(id);
    const notice = NOTICES.find((name) => name === done);
    return reply.view('admin/network-event-form', eventFormPage(lang, event, valuesOfEvent(event), null, { notice: notice ? translate(lang, `admin.events.notice.${notice}`) : null }));
  }

  /** Refused as things stand (the event was cancelled), the page shows the event as it is now, not what was typed. */
  @Post(':id')
  async update(@Param('id') id: string, @Body() body: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    checkedId(id);
    const form = await validateForm(NetworkEventFormDto, body);
    return formRoundTrip({
      reply,
      lang,
      errors: form.errors,
      change: async () => {
        await this.events.update(actorId, id, networkEventInputOf(form.value!));
        return `/admin/events/${id}?done=saved`;
      },
      view: 'admin/network-event-form',
      page: async (state) => {
        const event = await this.events.findForEdit(id);
        return state.refusal ? eventFormPage(lang, event, valuesOfEvent(event), null, { refusal: state.refusal }) : eventFormPage(lang, event, valuesOfBody(body), state.errors ?? null, {});
      },
      fieldsOf: formErrors,
    });
  }

  /** The cancel form has no fields but its CSRF token; anything else is refused, nothing changed. */
  @Post(':id/cancel')
  async cancel(@Param('id') id: string, @Body() body: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    checkedId(id);
    return formRoundTrip({
      reply,
      lang,
      errors: unknownFields(body),
      change: async () => {
        await this.events.cancel(actorId, id);
        return `/admin/events/${id}?done=cancelled`;
      },
      view: 'admin/network-event-form',
      page: async (state) => {
        const event = await this.events.findForEdit(id);
        return eventFormPage(lang, event, valuesOfEvent(event), state.errors ?? null, { refusal: state.refusal });
      },
    });
  }
}
