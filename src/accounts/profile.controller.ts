// The profile page and its forms: details, notification choices, password, data export and the
// erasure request. Each form posts to its own address; a refused one shows the page again with
// 400, its messages next to its fields and its input kept (never a password); a saved one goes
// back to the page with a notice (303, so reloading does not post again; web/form-round-trip.ts).
// What the page shows is profile.view.ts's.
import { Body, Controller, Get, HttpStatus, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SignedIn } from '../access/access.decorator';
import { Authentication } from '../access/authentication.service';
import { CurrentActor } from '../access/current-actor';
import { Actor } from '../access/capabilities';
import { Language, LANGUAGE_COOKIE, translate } from '../i18n/i18n';
import { AgencyService } from '../identity/agency.service';
import { CONFIG, Config } from '../config/config';
import { formRoundTrip } from '../web/form-round-trip';
import { fieldText, validateForm } from '../web/forms';
import { TooManyAttempts, tooManyAttemptsMessage } from '../access/rate-limits';
import { ChangePasswordDto, DigestDto, ProfileDto } from './profile.dto';
import { PersonalDataService } from './personal-data.service';
import { ProfileService } from './profile.service';
import { NOTICES, profilePage, ProfileRefusal } from './profile.view';

const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

/** A form's fields without its CSRF token. */
const fields = (body: unknown): Record<string, unknown> => {
  const { _csrf: _ignored, ...rest } = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  return rest;
};

@ApiExcludeController()
@SignedIn()
@Controller('profile')
export class ProfileController {
  constructor(
    private readonly profiles: ProfileService,
    private readonly personalData: PersonalDataService,
    private readonly agencies: AgencyService,
    private readonly authentication: Authentication,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  @Get()
  async show(@Query('saved') saved: unknown, @CurrentActor() actor: Actor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const notice = typeof saved === 'string' && NOTICES.has(saved) ? translate(request.lang, `profile.saved.${saved}`) : null;
    return reply.view('accounts/profile', { ...(await this.page(actor, request.lang)), notice });
  }

  @Post()
  async update(@Body() body: unknown, @CurrentActor() actor: Actor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const kept = { displayName: fieldText(body, 'displayName'), agencyId: fieldText(body, 'agencyId'), language: fieldText(body, 'language'), hideName: fields(body).hideName !== undefined };
    const form = await validateForm(ProfileDto, body);
    return formRoundTrip({
      reply,
      lang: request.lang,
      errors: form.errors,
      change: async () => {
        await this.profiles.update(actor.id, { ...form.value!, hideNameFromParticipants: form.value!.hideName === '1' });
        // The pages follow the language the person just chose, from the next one on.
        reply.setCookie(LANGUAGE_COOKIE, form.value!.language, { path: '/', maxAge: ONE_YEAR_SECONDS, sameSite: 'lax', httpOnly: true });
        return '/profile?saved=profile';
      },
      view: 'accounts/profile',
      page: (state) => this.page(actor, request.lang, { details: { form: kept, errors: state.errors ?? {} } }),
    });
  }

  @Post('notifications')
  async notifications(@Body() body: unknown, @CurrentActor() actor: Actor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const choices = fields(body);
    const kept = Object.fromEntries(Object.keys(choices).map((kind) => [kind, fieldText(choices, kind)]));
    return formRoundTrip({
      reply,
      lang: request.lang,
      errors: null,
      change: async () => {
        await this.profiles.setPreferences(actor.id, choices);
        return '/profile?saved=notifications';
      },
      view: 'accounts/profile',
      page: (state) => this.page(actor, request.lang, { notifications: { choices: kept, errors: state.errors ?? {} } }),
    });
  }

  /** The digest's hour and rhythm; a bad one re-shows the form with its message and saves nothing. */
  @Post('digest')
  async digest(@Body() body: unknown, @CurrentActor() actor: Actor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const form = await validateForm(DigestDto, body);
    return formRoundTrip({
      reply,
      lang: request.lang,
      errors: form.errors,
      change: async () => {
        await this.profiles.setDigestTime(actor.id, form.value!.hour === '' ? null : Number(form.value!.hour), form.value!.rhythm);
        return '/profile?saved=digest';
      },
      view: 'accounts/profile',
      page: (state) => this.page(actor, request.lang, { digest: { form: { hour: fieldText(body, 'hour'), rhythm: fieldText(body, 'rhythm') }, errors: state.errors ?? {} } }),
    });
  }

  /** The register setting (its own small form): a ticked box shows the person by name in /developers; anything but the box is refused. */
  @Post('register')
  async registerListing(@Body() body: unknown, @CurrentActor() actor: Actor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const { listed, ...others } = fields(body);
    const errors: Record<string, string> = Object.fromEntries(Object.keys(others).map((name) => [name, 'form.unknownField']));
    if (listed !== undefined && listed !== '1') errors.listed = 'profile.register.bad';
    return formRoundTrip({
      reply,
      lang: request.lang,
      errors: Object.keys(errors).length ? errors : null,
      change: async () => {
        await this.profiles.setListedInRegister(actor.id, listed === '1');
        return '/profile?saved=register#register';
      },
      view: 'accounts/profile',
      page: (state) => this.page(actor, request.lang, { register: { listed: listed === '1', errors: state.errors ?? {} } }),
    });
  }

  /** As every form, but too many wrong current passwords in a row answer 429 with when to try again. */
  @Post('password')
  async changePassword(@Body() body: unknown, @CurrentActor() actor: Actor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const lang = request.lang;
    const form = await validateForm(ChangePasswordDto, body);
    try {
      return await formRoundTrip({
        reply,
        lang,
        errors: form.errors,
        change: async () => {
          const sessionVersion = await this.profiles.changePassword(actor.id, form.value!.currentPassword, form.value!.newPassword, request.ip);
          // Every session ended with the change; this browser gets a fresh one, so only the others do.
          await this.authentication.signIn(request, { id: actor.id, sessionVersion });
          return '/profile?saved=password';
        },
        view: 'accounts/profile',
        page: (state) => this.page(actor, lang, { password: { errors: state.errors } }),
      });
    } catch (error) {
      if (!(error instanceof TooManyAttempts)) throw error;
      reply.header('retry-after', String(error.secondsToWait));
      return reply.status(HttpStatus.TOO_MANY_REQUESTS).view('accounts/profile', await this.page(actor, lang, { password: { error: tooManyAttemptsMessage(lang, error.secondsToWait) } }));
    }
  }

  @Get('data.json')
  async download(@CurrentActor() actor: Actor, @Res() reply: FastifyReply) {
    const data = await this.personalData.export(actor.id);
    const day = new Date().toISOString().slice(0, 10);
    return reply
      .header('content-type', 'application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="verso-my-data-${day}.json"`)
      .header('cache-control', 'no-store')
      .send(JSON.stringify(data, null, 2));
  }

  @Post('erasure')
  async requestErasure(@CurrentActor() actor: Actor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    // A second request (another tab, a double click) changes nothing and says so.
    const { recorded } = await this.profiles.requestErasure(actor.id);
    return reply.redirect(recorded ? '/profile?saved=erasure' : '/profile?saved=erasureAlready', 303);
  }

  private async page(actor: Actor, lang: Language, refusal: ProfileRefusal = {}) {
    const profile = await this.profiles.profile(actor.id);
    const preferences = await this.profiles.preferences(actor.id);
    const agencies = await this.agencies.list(lang);
    return profilePage({ profile, preferences, agencies, defaultDigestHour: this.config.digestHour }, lang, refusal);
  }
}
