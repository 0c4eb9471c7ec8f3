// The JSON API's way in: personal access tokens (issued for an email and password, listed, revoked),
// sign-up, the caller's own account, and the agencies to sign up with. Issuing a token is a sign-in,
// so it counts failures against the same limits as the web sign-in form (auth.controller.ts): the
// API is no way around them.
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpException,
  HttpStatus,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Req,
  Res,
  UnauthorizedException,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public, SignedIn } from '../access/access.decorator';
import { Actor } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { TooManyAttempts, tooManyAttemptsMessage } from '../access/rate-limits';
import { Language, translate } from '../i18n/i18n';
import { AgencyService } from '../identity/agency.service';
import { ApiTokensService } from '../identity/api-tokens.service';
import { ApiErrorDto } from '../web/api/errors.dto';
import { Lang } from '../web/language';
import { RegisterDto } from './accounts.dto';
import { SignInService } from './sign-in.service';
import { AccountDto, AgencyDto, ApiTokenDto, IssuedTokenDto, IssueTokenDto, MeDto, RegisteredDto, VerificationLinkDto } from './api.dto';
import { EmailVerificationService } from './email-verification.service';

/** The API speaks English (its field messages too: web/forms.ts). */
const API_LANGUAGE: Language = 'en';

@ApiTags('auth')
@Controller('api/v1')
export class AuthApiController {
  constructor(
    private readonly agencies: AgencyService,
    private readonly tokens: ApiTokensService,
    private readonly signIns: SignInService,
    private readonly verification: EmailVerificationService,
  ) {}

  @Post('auth/tokens')
  @Public()
  @ApiCreatedResponse({ type: IssuedTokenDto, description: 'A new token. Keep it: it is shown only this once.' })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'The body is not valid; `fields` says what to fix.' })
  @ApiUnauthorizedResponse({ type: ApiErrorDto, description: 'The email address or password is not right, or the account is not active.' })
  @ApiTooManyRequestsResponse({ type: ApiErrorDto, description: 'Too many failed attempts: for this account from your address (the wait doubles with each failure), or from your address for any account. `Retry-After` gives the seconds to wait.' })
  async issueToken(@Body() body: IssueTokenDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<IssuedTokenDto> {
    let user;
    try {
      user = await this.signIns.attempt(body.email, body.password, request.ip);
    } catch (error) {
      if (!(error instanceof TooManyAttempts)) throw error;
      reply.header('retry-after', String(error.secondsToWait));
      throw new HttpException(
        {
          statusCode: HttpStatus.TOO_MANY_REQUESTS,
          error: 'Too Many Requests',
          message: tooManyAttemptsMessage(API_LANGUAGE, error.secondsToWait),
        },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    if (!user) throw new UnauthorizedException(translate(API_LANGUAGE, 'accounts.login.wrong'));
    return this.tokens.issue(user.id, { name: body.name, expiresInDays: body.expiresInDays });
  }

  @Get('auth/tokens')
  @SignedIn()
  @ApiBearerAuth()
  @ApiOkResponse({ type: [ApiTokenDto], description: 'Your tokens, newest first, revoked and expired ones included. Never the tokens themselves.' })
  @ApiUnauthorizedResponse({ type: ApiErrorDto, description: 'No valid token.' })
  async listTokens(@CurrentActor() caller: Actor): Promise<ApiTokenDto[]> {
    return this.tokens.listFor(caller.id);
  }

  @Delete('auth/tokens/:id')
  @SignedIn()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiBearerAuth()
  @ApiNoContentResponse({ description: 'Revoked: the token no longer works, from the next request on.' })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'The id is not a UUID.' })
  @ApiUnauthorizedResponse({ type: ApiErrorDto, description: 'No valid token.' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'You have no token with this id.' })
  async revokeToken(@Param('id', new ParseUUIDPipe()) id: string, @CurrentActor() caller: Actor): Promise<void> {
    if (!(await this.tokens.revoke(caller.id, id))) throw new NotFoundException('You have no token with this id.');
  }

  @Post('auth/register')
  @Public()
  @ApiCreatedResponse({
    type: RegisteredDto,
    description: 'The account is created and a link to confirm the address is mailed to it; sign in with POST /api/v1/auth/tokens. Until the link is used, enrolling, posting and subscribing answer 403.',
  })
  @ApiBadRequestResponse({
    type: ApiErrorDto,
    description: "Refused, nothing stored; `fields` says what to fix (a weak password, a taken email, an unknown agency, an address outside the agency's email domains…).",
  })
  async register(@Body() body: RegisterDto): Promise<RegisteredDto> {
    // Field by field, so a body can never give itself a site role. A refusal (FieldErrors) reaches
    // the caller in English through the exception filter.
    const user = await this.verification.signUp({ email: body.email, displayName: body.displayName, password: body.password, agencyId: body.agencyId, language: body.language });
    return { user: accountOf(user) };
  }

  @Post('auth/verification-link')
  @SignedIn()
  @HttpCode(HttpStatus.OK)
  @ApiBearerAuth()
  @ApiOkResponse({ type: VerificationLinkDto, description: 'A new link to confirm the address is mailed (it works for 24 hours, once), unless the address is already confirmed.' })
  @ApiUnauthorizedResponse({ type: ApiErrorDto, description: 'No valid token.' })
  @ApiTooManyRequestsResponse({ type: ApiErrorDto, description: 'More than 3 links asked for within an hour. `Retry-After` gives the seconds to wait.' })
  async sendVerificationLink(@CurrentActor() caller: Actor, @Res({ passthrough: true }) reply: FastifyReply): Promise<VerificationLinkDto> {
    try {
      return { sent: await this.verification.sendLinkAgain(caller) };
    } catch (error) {
      if (!(error instanceof TooManyAttempts)) throw error;
      reply.header('retry-after', String(error.secondsToWait));
      throw new HttpException(
        { statusCode: HttpStatus.TOO_MANY_REQUESTS, error: 'Too Many Requests', message: tooManyAttemptsMessage(API_LANGUAGE, error.secondsToWait) },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
  }

  @Get('me')
  @SignedIn()
  @ApiBearerAuth()
  @ApiOkResponse({ type: MeDto, description: 'The account the token belongs to.' })
  @ApiUnauthorizedResponse({ type: ApiErrorDto, description: 'No valid token.' })
  me(@CurrentActor() caller: Actor): MeDto {
    return { ...accountOf(caller), siteRole: caller.siteRole, emailVerified: caller.emailVerified };
  }

  @Get('agencies')
  @Public()
  @ApiOkResponse({ type: [AgencyDto], description: 'The agencies people can sign up with, sorted as the Accept-Language language sorts.' })
  async listAgencies(@Lang() lang: Language): Promise<AgencyDto[]> {
    return this.agencies.list(lang);
  }
}

function accountOf(person: AccountDto): AccountDto {
  return { id: person.id, email: person.email, displayName: person.displayName, agencyId: person.agencyId, language: person.language };
}
