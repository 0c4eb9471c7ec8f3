// Sign-up, sign-in and sign-out on web pages. Bad input shows the form again with a message next to
// each field and the input kept (never the password); nothing of a refused form is stored. What the
// pages show is auth.view.ts's.
import { Body, Controller, Get, HttpStatus, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../access/access.decorator';
import { Authentication } from '../access/authentication.service';
import { TooManyAttempts, tooManyAttemptsMessage } from '../access/rate-limits';
import { Language, translate } from '../i18n/i18n';
import { AgencyService } from '../identity/agency.service';
import { UserService } from '../identity/user.service';
import { formRoundTrip } from '../web/form-round-trip';
import { fieldText, translateFields, validateForm } from '../web/forms';
import { Lang } from '../web/language';
import { safeLocalPath } from '../web/local-path';
import { RegisterDto, SignInFormDto } from './accounts.dto';
import { EmailVerificationService } from './email-verification.service';
import { SignInService } from './sign-in.service';
import { loginPage, registerPage } from './auth.view';

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
    return reply.view('accounts/register', registerPage(await this.agencies.list(lang), lang, { language: lang }, null));
  }

  @Post('register')
  async register(@Body() body: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const lang = request.lang;
    const form = await validateForm(RegisterDto, body);
    const kept = Object.fromEntries(['displayName', 'email', 'agencyId', 'language'].map((field) => [field, fieldText(body, field)]));
    return formRoundTrip({
      reply,
      lang,
      errors: form.errors,
      change: async () => {
        const user = await this.verification.signUp(form.value!);
        await this.authentication.signIn(request, user);
        await this.users.recordSignIn(user.id);
        reply.setCookie('lang', user.language, { path: '/', sameSite: 'lax', maxAge: 365 * 24 * 60 * 60 });
        return '/profile';
      },
      view: 'accounts/register',
      page: async (state) => registerPage(await this.agencies.list(lang), lang, kept, state.errors ?? null),
    });
  }

  @Get('login')
  loginForm(@Query('next') next: unknown, @Lang() lang: Language, @Res() reply: FastifyReply) {
    return reply.view('accounts/login', loginPage(lang, safeLocalPath(next), {}));
  }

  @Post('login')
  async login(@Body() body: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const lang = request.lang;
    const next = safeLocalPath((body as Record<string, unknown> | undefined)?.next);
    const page = (status: number, extra: Parameters<typeof loginPage>[3]) => reply.status(status).view('accounts/login', loginPage(lang, next, { email: fieldText(body, 'email') }, extra));

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
}
