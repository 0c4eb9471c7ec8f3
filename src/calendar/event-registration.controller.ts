// A network event's page (/events/:id) and registration for it: anyone reads the page; signed-in
// people with a verified address register, answering the event's questions, and cancel their own
// registration. Refused answers show the page again, 400, each message next to its question and
// the answers kept; a closed or cancelled event's refusal shows, 409, nothing saved. The admins'
// participant list, its CSV and their cancelling of a registration are here too
// (/admin/events/:id/registrations), as is the JSON twin (/api/v1/events/:id/registration).
import { Body, Controller, Delete, Get, HttpStatus, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsObject, IsOptional } from 'class-validator';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { Public, Requires, SignedIn } from '../access/access.decorator';
import { Actor, Capability } from '../access/capabilities';
import { CurrentActor, Viewer } from '../access/current-actor';
import { checkedId } from '../errors/domain-errors';
import { Language, localized, translate } from '../i18n/i18n';
import { unknownFields } from '../web/form-fields';
import { formRoundTrip } from '../web/form-round-trip';
import { Lang } from '../web/language';
import { sendSpreadsheet } from '../web/spreadsheet';
import { EventRegistrationService, RegistrationView } from './event-registration.service';
import { answersOfBody, eventRegistrationPage, participantsCsv, participantsPage } from './event-registration.view';
import { answerField, questionsOf } from './registration-questions';

const NOTICES = ['confirmed', 'waitlisted', 'already', 'cancelled'] as const;
const ADMIN_NOTICES = ['cancelled'] as const;

/** The answer fields of the event's questions, and nothing else: another field is refused. */
function answerFieldsOnly(body: unknown, keys: string[]): Record<string, string> | null {
  const allowed = new Set(['_csrf', ...keys.map(answerField)]);
  const fields = body && typeof body === 'object' ? Object.keys(body) : [];
  const unknown = fields.filter((field) => !allowed.has(field));
  return unknown.length ? Object.fromEntries(unknown.map((field) => [field, 'form.unknownField'])) : null;
}

@ApiExcludeController()
@Controller('events/:id')
export class EventRegistrationController {
  constructor(private readonly registrations: EventRegistrationService) {}

  @Get()
  @Public()
  async page(@Param('id') id: string, @Query('done') done: unknown, @Viewer() viewer: Actor | null, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const page = await this.registrations.eventPage(id, viewer?.id ?? null);
    const notice = NOTICES.find((name) => name === done);
    return reply
      .header('cache-control', 'no-store')
      .view('calendar/event', eventRegistrationPage(lang, page, { signedIn: !!viewer, verified: !!viewer?.emailVerified }, { notice: notice ? translate(lang, `eventRegistration.notice.${notice}`) : null }));
  }

  @Post('registration')
  @SignedIn()
  async register(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const page = await this.registrations.eventPage(id, actor.id);
    const questions = questionsOf(page.event.registration_questions);
    const answers = answersOfBody(questions, body);
    return formRoundTrip({
      reply,
      lang,
      errors: answerFieldsOnly(body, questions.map((question) => question.key)),
      change: async () => {
        const { registration, created } = await this.registrations.register(actor, id, answers);
        return `/events/${id}?done=${created ? registration.status : 'already'}`;
      },
      view: 'calendar/event',
      page: async (state) =>
        eventRegistrationPage(lang, await this.registrations.eventPage(id, actor.id), { signedIn: true, verified: actor.emailVerified }, { answers, errors: state.errors ?? null, refusal: state.refusal ?? null }),
    });
  }

  @Post('registration/cancel')
  @SignedIn()
  async cancel(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    checkedId(id);
    return formRoundTrip({
      reply,
      lang,
      errors: unknownFields(body),
      change: async () => {
        await this.registrations.cancelOwn(actor, id);
        return `/events/${id}?done=cancelled`;
      },
      view: 'calendar/event',
      page: async (state) =>
        eventRegistrationPage(lang, await this.registrations.eventPage(id, actor.id), { signedIn: true, verified: actor.emailVerified }, { errors: state.errors ?? null, refusal: state.refusal ?? null }),
    });
  }
}

@ApiExcludeController()
@Requires(Capability.CohortSchedule)
@Controller('admin/events/:id')
export class AdminEventRegistrationsController {
  constructor(private readonly registrations: EventRegistrationService) {}

  @Get('registrations')
  async list(@Param('id') id: string, @Query('done') done: unknown, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const { event } = await this.registrations.eventPage(id, null);
    const notice = ADMIN_NOTICES.find((name) => name === done);
    return reply
      .header('cache-control', 'no-store')
      .view('admin/event-registrations', participantsPage(lang, event, await this.registrations.participants(id), notice ? translate(lang, 'eventRegistration.notice.adminCancelled') : null));
  }

  @Get('registrations.csv')
  async csv(@Param('id') id: string, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const { event } = await this.registrations.eventPage(id, null);
    return sendSpreadsheet(reply, localized(event.title, lang), participantsCsv(lang, event, await this.registrations.participants(id)), 'event');
  }

  @Post('registrations/:registrationId/cancel')
  async cancel(@Param('id') id: string, @Param('registrationId') registrationId: string, @Body() body: unknown, @Lang() lang: Language, @Res() reply: FastifyReply) {
    checkedId(id);
    return formRoundTrip({
      reply,
      lang,
      errors: unknownFields(body),
      change: async () => {
        await this.registrations.cancelByAdmin(id, registrationId);
        return `/admin/events/${id}/registrations?done=cancelled`;
      },
      view: 'admin/event-registrations',
      page: async (state) => {
        const { event } = await this.registrations.eventPage(id, null);
        return { ...participantsPage(lang, event, await this.registrations.participants(id), null), refusal: state.refusal ?? null, errors: state.errors ?? null };
      },
    });
  }
}

/** The registration as the API gives it. */
const apiView = (registration: RegistrationView | null) =>
  registration && { id: registration.id, eventId: registration.eventId, status: registration.status, waitlistPosition: registration.waitlistPosition, answers: registration.answers, registeredAt: registration.createdAt };

/** A registration through the API: the answers by question key (`diet`, `attendance`, `custom`). */
export class EventRegistrationApiDto {
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { diet: 'Kasvis', attendance: 'remote' } })
  @IsOptional()
  @IsObject({ message: 'eventRegistration.answer.invalid' })
  answers?: Record<string, unknown>;
}

@ApiTags('events')
@Controller('api/v1/events/:id/registration')
export class EventRegistrationApiController {
  constructor(private readonly registrations: EventRegistrationService) {}

  /** The caller's own registration, or null. */
  @Get()
  @SignedIn()
  async own(@Param('id') id: string, @CurrentActor() actor: Actor) {
    return { registration: apiView(await this.registrations.ownRegistration(actor.id, id)) };
  }

  /** Registers the caller (201), or returns the registration they already have (200). A missing or wrong answer: 400 with `fields.answer_<key>`. */
  @Post()
  @SignedIn()
  async register(@Param('id') id: string, @Body() body: EventRegistrationApiDto, @CurrentActor() actor: Actor, @Res({ passthrough: true }) reply: FastifyReply) {
    const { registration, created } = await this.registrations.register(actor, id, body.answers ?? {});
    if (!created) reply.status(HttpStatus.OK);
    return { registration: apiView(registration), created };
  }

  @Delete()
  @SignedIn()
  async cancel(@Param('id') id: string, @CurrentActor() actor: Actor) {
    return { registration: apiView(await this.registrations.cancelOwn(actor, id)) };
  }
}
