// Sign-up, sign-in and sign-out on web pages. Bad input shows the form again with a message next to
// each field and the input kept (never the password); nothing of a refused form is stored.
import { Body, Controller, Get, HttpStatus, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../access/access.decorator';
import { Authentication } from '../access/authentication.service';
import { TooManyAttempts, tooManyAttemptsMessage } from '../access/rate-limits';
import { Language, LANGUAGE_NAMES, LANGUAGES, translate } from '../i18n/i18n';
import { AgencyService } from '../identity/agency.service';
import { UserService } from '../identity/user.service';
import { FieldErrors } from '../errors/domain-errors';
import { FieldMessages, translateFields, validateForm } from '../web/forms';
import { Lang } from '../web/language';
import { safeLocalPath } from '../web/local-path';
import { RegisterDto, SignInFormDto } from './accounts.dto';
import { EmailVerificationService } from './email-verification.service';
import { SignInService } from './sign-in.service';

/** Where to go after signing in: a page of this site, never the sign-in or sign-up page itself; else the person's home. */
function afterSignIn(next: unknown): string {
  const path = safeLocalPath(next);
  return path.startsWith('/login') || path.startsWith('/register') ? '/' : path;
}

@ApiExcludeController()
@Public()
@Controller()
export class AuthController {
  constructor(
    private readonly users: UserService,
    private readonly agencies: AgencyService,
    private readonly authentication: Authentication,
    private readonly signIns: SignInService,
    private readonly verification: EmailVerificationService,
  ) {}

  @Get('register')
  async registerForm(@Lang() lang: Language, @Res() reply: FastifyReply) {
    return reply.view('accounts/register', await this.registerPage(lang, { language: lang }, null));
  }

  @Post('register')
  async register(@Body() body: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const lang = request.lang;
    const form = await validateForm(RegisterDto, body);
    if (form.errors) return this.registerRefused(reply, lang, body, form.errors);
    try {
      const user = await this.verification.signUp(form.value);
      await this.authentication.signIn(request, user);
      await this.users.recordSignIn(user.id);
      reply.setCookie('lang', user.language, { path: '/', sameSite: 'lax', maxAge: 365 * 24 * 60 * 60 });
      return reply.redirect('/profile', 303);
    } catch (error) {
      if (error instanceof FieldErrors) return this.registerRefused(reply, lang, body, error.fields);
      throw error;
    }
  }

  @Get('login')
  loginForm(@Query('next') next: unknown, @Lang() lang: Language, @Res() reply: FastifyReply) {
    return reply.view('accounts/login', { title: translate(lang, 'accounts.login.title'), next: safeLocalPath(next), form: {} });
  }

  @Post('login')
  async login(@Body() body: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const lang = request.lang;
    const raw = (body ?? {}) as Record<string, unknown>;
    const next = safeLocalPath(raw.next);
    const page = (status: number, extra: Record<string, unknown>) =>
      reply.status(status).view('accounts/login', { title: translate(lang, 'accounts.login.title'), next, form: { email: typeof raw.email === 'string' ? raw.email : '' }, ...extra });

    const form = await validateForm(SignInFormDto, body);
    if (form.errors) return page(HttpStatus.BAD_REQUEST, { errors: translateFields(form.errors, lang) });
    let user;
    try {
      user = await this.signIns.attempt(form.value.email, form.value.password, request.ip);
    } catch (error) {
      if (!(error instanceof TooManyAttempts)) throw error;
      reply.header('retry-after', String(error.secondsToWait));
      return page(HttpStatus.TOO_MANY_REQUESTS, { error: tooManyAttemptsMessage(lang, error.secondsToWait) });
    }
    if (!user) return page(HttpStatus.BAD_REQUEST, { error: translate(lang, 'accounts.login.wrong') });
    await this.authentication.signIn(request, user);
    reply.setCookie('lang', user.language, { path: '/', sameSite: 'lax', maxAge: 365 * 24 * 60 * 60 });
    return reply.redirect(afterSignIn(next), 303);
  }

  @Post('logout')
  async logout(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.authentication.signOut(request);
    return reply.redirect('/', 303);
  }

  private async registerRefused(reply: FastifyReply, lang: Language, body: unknown, errors: FieldMessages) {
    const raw = (body ?? {}) as Record<string, unknown>;
    const kept = Object.fromEntries(['displayName', 'email', 'agencyId', 'language'].map((k) => [k, typeof raw[k] === 'string' ? raw[k] : '']));
    return reply.status(HttpStatus.BAD_REQUEST).view('accounts/register', await this.registerPage(lang, kept, translateFields(errors, lang)));
  }

  private async registerPage(lang: Language, form: Record<string, unknown>, errors: FieldMessages | null) {
    const agencies = await this.agencies.list(lang);
    return {
      title: translate(lang, 'accounts.register.title'),
      form,
      errors,
      agencies: agencies.map((a) => ({ ...a, selected: a.id === form.agencyId })),
      languageOptions: LANGUAGES.map((code) => ({ code, name: LANGUAGE_NAMES[code], selected: code === (form.language || lang) })),
    };
  }
}
