// The page a verification link opens, and the "send the link again" button every page shows to a
// person who has not used theirs (partials/email-unverified). The link page carries the secret in
// its address: never cached, never sent on as a referrer.
import { Body, Controller, Get, HttpStatus, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { Public, SignedIn } from '../access/access.decorator';
import { Actor } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { TooManyAttempts, tooManyAttemptsMessage } from '../access/rate-limits';
import { Language, translate } from '../i18n/i18n';
import { unknownFields } from '../web/form-fields';
import { translateFields } from '../web/forms';
import { Lang } from '../web/language';
import { EmailVerificationService, VERIFICATION_LINK_HOURS } from './email-verification.service';

@ApiExcludeController()
@Controller('verify-email')
export class EmailVerificationController {
  constructor(private readonly verification: EmailVerificationService) {}

  /** Signed in or not: the link is the proof. A link that does not work changes nothing and says why it may not. */
  @Get()
  @Public()
  async verify(@Query('token') token: unknown, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const outcome = await this.verification.verify(token);
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    if (outcome.verified) {
      // The page's header was drawn before the link was used: it must not still ask for the link.
      reply.locals = { ...reply.locals, emailUnverified: false };
      return reply.view('accounts/verify-email', { title: translate(lang, 'accounts.verify.done.title'), verified: true });
    }
    return reply.status(HttpStatus.BAD_REQUEST).view('accounts/verify-email', { title: translate(lang, 'accounts.verify.invalid.title'), invalid: true });
  }

  @Post('resend')
  @SignedIn()
  async resend(@Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const title = translate(lang, 'accounts.verify.resend.title');
    const unknown = unknownFields(body);
    if (unknown) return reply.status(HttpStatus.BAD_REQUEST).view('accounts/verify-email', { title, errors: Object.values(translateFields(unknown, lang)) });
    try {
      const sent = await this.verification.sendLinkAgain(actor);
      return reply.status(HttpStatus.OK).view('accounts/verify-email', sent ? { title, sent: true, email: actor.email, hours: VERIFICATION_LINK_HOURS } : { title, already: true });
    } catch (error) {
      if (!(error instanceof TooManyAttempts)) throw error;
      reply.header('retry-after', String(error.secondsToWait));
      return reply.status(HttpStatus.TOO_MANY_REQUESTS).view('accounts/verify-email', { title, errors: [tooManyAttemptsMessage(lang, error.secondsToWait)] });
    }
  }
}
