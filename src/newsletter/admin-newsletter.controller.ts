// The admins' newsletter pages: the editions and the list's size, the form that writes a new
// edition, and an edition's page, which edits it, previews it, mails a test to the admin and
// schedules or unschedules it. The rules are NewsletterEditions'; a refused form shows its page again
// with each message next to its input and the input kept (web/form-round-trip.ts). What the pages
// show is admin-newsletter.view.ts's.
import { Body, Controller, Get, HttpStatus, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { Requires } from '../access/access.decorator';
import { Actor, Capability } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { checkedId } from '../errors/domain-errors';
import { Language, translate } from '../i18n/i18n';
import { unknownFields } from '../web/form-fields';
import { formRoundTrip } from '../web/form-round-trip';
import { validateForm } from '../web/forms';
import { Lang } from '../web/language';
import { editionPage, editionsListPage, NOTICES, valuesOfBody, valuesOfEdition } from './admin-newsletter.view';
import { NewsletterEditions } from './newsletter-editions.service';
import { NewsletterSubscribers } from './newsletter-subscribers.service';
import { EditionFormDto, editionInputOf, scheduledAtOf, ScheduleFormDto } from './newsletter.dto';

const VIEW = 'newsletter/admin-edition';

@ApiExcludeController()
@Requires(Capability.NewsletterEdit)
@Controller('admin/newsletter')
export class AdminNewsletterController {
  constructor(
    private readonly editions: NewsletterEditions,
    private readonly subscribers: NewsletterSubscribers,
  ) {}

  @Get()
  async list(@Lang() lang: Language, @Res() reply: FastifyReply) {
    const [editions, counts] = await Promise.all([this.editions.list(lang), this.subscribers.counts()]);
    return reply.view('newsletter/admin-editions', editionsListPage(editions, counts, lang));
  }

  @Get('new')
  newForm(@Lang() lang: Language, @Res() reply: FastifyReply) {
    return reply.view(VIEW, editionPage(lang, null, {}, null, {}));
  }

  /** Creates the edition, or with intent 'preview' shows the texts rendered, nothing saved. */
  @Post()
  async create(@Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(EditionFormDto, body);
    if (form.value?.intent === 'preview') {
      return reply.status(HttpStatus.OK).view(VIEW, editionPage(lang, null, valuesOfBody(body), null, { preview: this.editions.preview(editionInputOf(form.value)) }));
    }
    return formRoundTrip({
      reply,
      lang,
      errors: form.errors,
      change: async () => `/admin/newsletter/${(await this.editions.create(actor, editionInputOf(form.value!))).id}?done=created`,
      view: VIEW,
      page: (state) => editionPage(lang, null, valuesOfBody(body), state.errors ?? null, { refusal: state.refusal }),
    });
  }

  @Get(':id')
  async show(@Param('id') id: string, @Query('done') done: unknown, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const edition = await this.editions.find(id);
    const notice = NOTICES.find((name) => name === done);
    return reply.view(VIEW, editionPage(lang, edition, valuesOfEdition(edition), null, { notice: notice ? translate(lang, `admin.newsletter.notice.${notice}`) : null }));
  }

  /** Saves the texts, or with intent 'preview' shows them rendered, nothing saved. Refused as things stand, the page shows the edition as it is. */
  @Post(':id')
  async update(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const edition = await this.editions.find(id);
    const form = await validateForm(EditionFormDto, body);
    if (form.value?.intent === 'preview') {
      return reply.status(HttpStatus.OK).view(VIEW, editionPage(lang, edition, valuesOfBody(body), null, { preview: this.editions.preview(editionInputOf(form.value)) }));
    }
    return formRoundTrip({
      reply,
      lang,
      errors: form.errors,
      change: async () => {
        await this.editions.update(actor, id, editionInputOf(form.value!));
        return `/admin/newsletter/${id}?done=saved`;
      },
      view: VIEW,
      page: async (state) => {
        const current = await this.editions.find(id);
        return state.refusal
          ? editionPage(lang, current, valuesOfEdition(current), null, { refusal: state.refusal })
          : editionPage(lang, current, { ...valuesOfBody(body), scheduledAt: valuesOfEdition(current).scheduledAt }, state.errors ?? null, {});
      },
    });
  }

  /** "Send a test to me": the edition as saved, to the admin's own address. */
  @Post(':id/test')
  async test(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    return this.buttonOnly(id, body, lang, reply, () => this.editions.sendTest(actor, id), 'tested');
  }

  @Post(':id/schedule')
  async schedule(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    checkedId(id);
    const form = await validateForm(ScheduleFormDto, body);
    return formRoundTrip({
      reply,
      lang,
      errors: form.errors,
      change: async () => {
        await this.editions.schedule(actor, id, scheduledAtOf(form.value!.scheduledAt));
        return `/admin/newsletter/${id}?done=scheduled`;
      },
      view: VIEW,
      page: async (state) => {
        const current = await this.editions.find(id);
        return editionPage(lang, current, { ...valuesOfEdition(current), scheduledAt: valuesOfBody(body).scheduledAt }, state.errors ?? null, { refusal: state.refusal });
      },
    });
  }

  @Post(':id/unschedule')
  async unschedule(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    return this.buttonOnly(id, body, lang, reply, () => this.editions.unschedule(actor, id), 'unscheduled');
  }

  /** A form that is only its button (and CSRF token): anything else is refused, nothing changed; a refusal shows on the edition's page. */
  private buttonOnly(id: string, body: unknown, lang: Language, reply: FastifyReply, change: () => Promise<void>, done: string) {
    checkedId(id);
    return formRoundTrip({
      reply,
      lang,
      errors: unknownFields(body),
      change: async () => {
        await change();
        return `/admin/newsletter/${id}?done=${done}`;
      },
      view: VIEW,
      page: async (state) => {
        const current = await this.editions.find(id);
        return editionPage(lang, current, valuesOfEdition(current), state.errors ?? null, { refusal: state.refusal });
      },
    });
  }
}
