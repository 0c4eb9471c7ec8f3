// "Forgot your password?": ask for a link by email, then set a new password through it. The answer
// to asking is the same whether or not the address has an account, so the form tells nobody who has
// one. Reset pages carry the link's secret in their address: never cached, never sent on as a referrer.
import { Body, Controller, Get, HttpStatus, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../access/access.decorator';
import { Authentication } from '../access/authentication.service';
import { Language, translate } from '../i18n/i18n';
import { UserService } from '../identity/user.service';
import { FieldErrors } from '../errors/domain-errors';
import { FieldMessages, fieldText, translateFields, validateForm } from '../web/forms';
import { Lang } from '../web/language';
import { TooManyAttempts, tooManyAttemptsMessage } from '../access/rate-limits';
import { PasswordResetService, RESET_LINK_MINUTES } from './password-reset.service';
import { ForgotPasswordDto, ResetPasswordDto } from './profile.dto';

function secret(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
}

@ApiExcludeController()
@Public()
@Controller('password')
export class PasswordResetController {
  constructor(
    private readonly resets: PasswordResetService,
    private readonly users: UserService,
    private readonly authentication: Authentication,
  ) {}

  @Get('forgot')
  forgotForm(@Lang() lang: Language, @Res() reply: FastifyReply) {
    return reply.view('accounts/forgot-password', { title: translate(lang, 'reset.forgot.title'), form: {} });
  }

  @Post('forgot')
  async forgot(@Body() body: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const lang = request.lang;
    const email = fieldText(body, 'email').trim();
    const page = (status: number, extra: Record<string, unknown>) =>
      reply.status(status).view('accounts/forgot-password', { title: translate(lang, 'reset.forgot.title'), form: { email }, ...extra });

    const form = await validateForm(ForgotPasswordDto, body);
    if (form.errors) return page(HttpStatus.BAD_REQUEST, { errors: translateFields(form.errors, lang) });
    try {
      await this.resets.requestLink(form.value.email, request.ip);
    } catch (error) {
      if (!(error instanceof TooManyAttempts)) throw error;
      reply.header('retry-after', String(error.secondsToWait));
      return page(HttpStatus.TOO_MANY_REQUESTS, { error: tooManyAttemptsMessage(lang, error.secondsToWait) });
    }
    return page(HttpStatus.OK, { sent: true, minutes: RESET_LINK_MINUTES });
  }

  @Get('reset')
  async resetForm(@Query('token') token: unknown, @Lang() lang: Language, @Res() reply: FastifyReply) {
    if (typeof token !== 'string' || !(await this.resets.linkWorks(token))) return this.linkDoesNotWork(reply, lang);
    return secret(reply).view('accounts/reset-password', { title: translate(lang, 'reset.title'), token });
  }

  @Post('reset')
  async reset(@Body() body: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const lang = request.lang;
    const form = await validateForm(ResetPasswordDto, body);
    if (form.errors?.token) return this.linkDoesNotWork(reply, lang);
    const token = fieldText(body, 'token');
    if (form.errors) return this.passwordRefused(reply, lang, token, form.errors);
    try {
      const person = await this.resets.resetPassword(token, form.value.password, request.ip);
      if (!person) return this.linkDoesNotWork(reply, lang);
      // A fresh session with the new version; every other session of the person has just ended.
      await this.authentication.signIn(request, person);
      await this.users.recordSignIn(person.id);
      return reply.redirect('/profile?saved=password', 303);
    } catch (error) {
      if (error instanceof FieldErrors) return this.passwordRefused(reply, lang, token, error.fields);
      throw error;
    }
  }

  private passwordRefused(reply: FastifyReply, lang: Language, token: string, errors: FieldMessages) {
    return secret(reply)
      .status(HttpStatus.BAD_REQUEST)
      .view('accounts/reset-password', { title: translate(lang, 'reset.title'), token, errors: translateFields(errors, lang) });
  }

  private linkDoesNotWork(reply: FastifyReply, lang: Language) {
    return secret(reply).status(HttpStatus.BAD_REQUEST).view('accounts/reset-password', { title: translate(lang, 'reset.invalid.title'), invalid: true });
  }
}
