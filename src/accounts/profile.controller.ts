// The profile page and its forms: details, notification choices, password, data export and the
// erasure request. Each form posts to its own address; a refused one shows the page again with
// 400, its messages next to its fields and its input kept (never a password); a saved one goes
// back to the page with a notice (303, so reloading does not post again).
import { Body, Controller, Get, HttpStatus, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SignedIn } from '../access/access.decorator';
import { Authentication } from '../access/authentication.service';
import { CurrentActor } from '../access/current-actor';
import { Actor } from '../access/capabilities';
import { Language, LANGUAGE_COOKIE, LANGUAGE_NAMES, LANGUAGES, translate } from '../i18n/i18n';
import { AgencyService } from '../identity/agency.service';
import { DIGEST_RHYTHMS } from '../identity/user.entity';
import { CONFIG, Config } from '../config/config';
import { FieldErrors } from '../errors/domain-errors';
import { Channel } from '../notifications/notification.entity';
import { kindName } from '../notifications/notification-kinds';
import { FieldMessages, translateFields, validateForm } from '../web/forms';
import { TooManyAttempts, tooManyAttemptsMessage } from '../access/rate-limits';
import { ChangePasswordDto, DigestDto, ProfileDto } from './profile.dto';
import { PersonalDataService } from './personal-data.service';
import { ProfileService } from './profile.service';

const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;
/** What `?saved=` may say, after a form was saved. */
const NOTICES = new Set(['profile', 'notifications', 'digest', 'password', 'erasure', 'erasureAlready']);

/** What a refused form puts back on the page. */
interface Refusal {
  status: number;
  details?: { form: { displayName: string; agencyId: string; language: string; hideName: boolean }; errors: FieldMessages };
  notifications?: { choices: Record<string, string>; errors: FieldMessages };
  digest?: { form: { hour: string; rhythm: string }; errors: FieldMessages };
  password?: { errors?: FieldMessages; error?: string };
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');
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
    const lang = request.lang;
    const raw = fields(body);
    const kept = { displayName: text(raw.displayName), agencyId: text(raw.agencyId), language: text(raw.language), hideName: raw.hideName !== undefined };
    const refuse = (errors: FieldMessages) => this.refused(reply, request, actor, { status: HttpStatus.BAD_REQUEST, details: { form: kept, errors: translateFields(errors, lang) } });

    const form = await validateForm(ProfileDto, body);
    if (form.errors) return refuse(form.errors);
    try {
      await this.profiles.update(actor.id, { ...form.value, hideNameFromParticipants: form.value.hideName === '1' });
    } catch (error) {
      if (error instanceof FieldErrors) return refuse(error.fields);
      throw error;
    }
    // The pages follow the language the person just chose, from the next one on.
    reply.setCookie(LANGUAGE_COOKIE, form.value.language, { path: '/', maxAge: ONE_YEAR_SECONDS, sameSite: 'lax', httpOnly: true });
    return reply.redirect('/profile?saved=profile', 303);
  }

  @Post('notifications')
  async notifications(@Body() body: unknown, @CurrentActor() actor: Actor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const choices = fields(body);
    try {
      await this.profiles.setPreferences(actor.id, choices);
    } catch (error) {
      if (!(error instanceof FieldErrors)) throw error;
      const kept = Object.fromEntries(Object.entries(choices).map(([kind, channel]) => [kind, text(channel)]));
      return this.refused(reply, request, actor, { status: HttpStatus.BAD_REQUEST, notifications: { choices: kept, errors: translateFields(error.fields, request.lang) } });
    }
    return reply.redirect('/profile?saved=notifications', 303);
  }

  /** The digest's hour and rhythm; a bad one re-shows the form with its message and saves nothing. */
  @Post('digest')
  async digest(@Body() body: unknown, @CurrentActor() actor: Actor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const raw = fields(body);
    const form = await validateForm(DigestDto, body);
    if (form.errors) {
      const kept = { hour: text(raw.hour), rhythm: text(raw.rhythm) };
      return this.refused(reply, request, actor, { status: HttpStatus.BAD_REQUEST, digest: { form: kept, errors: translateFields(form.errors, request.lang) } });
    }
    await this.profiles.setDigestTime(actor.id, form.value.hour === '' ? null : Number(form.value.hour), form.value.rhythm);
    return reply.redirect('/profile?saved=digest', 303);
  }

  @Post('password')
  async changePassword(@Body() body: unknown, @CurrentActor() actor: Actor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const lang = request.lang;
    const form = await validateForm(ChangePasswordDto, body);
    if (form.errors) return this.refused(reply, request, actor, { status: HttpStatus.BAD_REQUEST, password: { errors: translateFields(form.errors, lang) } });
    try {
      const sessionVersion = await this.profiles.changePassword(actor.id, form.value.currentPassword, form.value.newPassword, request.ip);
      // Every session ended with the change; this browser gets a fresh one, so only the others do.
      await this.authentication.signIn(request, { id: actor.id, sessionVersion });
    } catch (error) {
      if (error instanceof FieldErrors) {
        return this.refused(reply, request, actor, { status: HttpStatus.BAD_REQUEST, password: { errors: translateFields(error.fields, lang) } });
      }
      if (error instanceof TooManyAttempts) {
        reply.header('retry-after', String(error.secondsToWait));
        return this.refused(reply, request, actor, { status: HttpStatus.TOO_MANY_REQUESTS, password: { error: tooManyAttemptsMessage(lang, error.secondsToWait) } });
      }
      throw error;
    }
    return reply.redirect('/profile?saved=password', 303);
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

  private async refused(reply: FastifyReply, request: FastifyRequest, actor: Actor, refusal: Refusal) {
    return reply.status(refusal.status).view('accounts/profile', await this.page(actor, request.lang, refusal));
  }

  private async page(actor: Actor, lang: Language, refusal: Partial<Refusal> = {}) {
    const profile = await this.profiles.profile(actor.id);
    const form = refusal.details?.form ?? {
      displayName: profile.displayName,
      agencyId: profile.agencyId ?? '',
      language: profile.language,
      hideName: profile.hideNameFromParticipants,
    };
    const digestForm = refusal.digest?.form ?? { hour: profile.digestHour === null ? '' : String(profile.digestHour), rhythm: profile.digestRhythm };
    const hourLabel = (hour: number) => `${String(hour).padStart(2, '0')}.00`;
    const preferences = await this.profiles.preferences(actor.id);
    const chosen = refusal.notifications?.choices ?? {};
    const preferenceErrors = refusal.notifications?.errors ?? {};
    const shownKinds = new Set(preferences.map((p) => p.kind));
    return {
      title: translate(lang, 'profile.title'),
      email: profile.email,
      form,
      errors: refusal.details?.errors ?? null,
      agencies: (await this.agencies.list(lang)).map((agency) => ({ ...agency, selected: agency.id === form.agencyId })),
      languageOptions: LANGUAGES.map((code) => ({ code, name: LANGUAGE_NAMES[code], selected: code === form.language })),
      preferences: preferences.map(({ kind, channel, channels }) => ({
        kind,
        label: kindName(kind, lang),
        error: preferenceErrors[kind] ?? null,
        options: channels.map((value: Channel) => ({
          id: `notify-${kind}-${value}`,
          value,
          label: translate(lang, `profile.notifications.channel.${value}`),
          checked: value === (chosen[kind] ?? channel),
        })),
      })),
      // A refused field that is not on the page (a kind that went away, a forged field).
      preferencesError: Object.keys(preferenceErrors).some((kind) => !shownKinds.has(kind)) ? translate(lang, 'profile.notifications.refused') : null,
      digest: {
        errors: refusal.digest?.errors ?? null,
        // Kept as typed when refused, even if it is no hour at all (a forged form).
        hour: digestForm.hour,
        hours: [
          { value: '', label: translate(lang, 'profile.digest.defaultHour', { hour: hourLabel(this.config.digestHour) }), selected: digestForm.hour === '' },
          ...Array.from({ length: 24 }, (_, hour) => ({ value: String(hour), label: hourLabel(hour), selected: digestForm.hour === String(hour) })),
          // A refused value that is no hour of the list stays in view next to its message.
          ...(/^(|[0-9]|1[0-9]|2[0-3])$/.test(digestForm.hour) ? [] : [{ value: digestForm.hour, label: digestForm.hour, selected: true }]),
        ],
        rhythms: DIGEST_RHYTHMS.map((value) => ({
          id: `digest-rhythm-${value}`,
          value,
          label: translate(lang, `profile.digest.rhythm.${value}`),
          checked: value === digestForm.rhythm,
        })),
      },
      password: refusal.password ?? {},
      erasureRequestedAt: profile.erasureRequestedAt,
    };
  }
}
