// The JSON API of "tell me when the next round opens": your own place on a programme's list (join,
// leave) and, for admins, the list's size by agency. The same service and checks as the pages.
import { Controller, Delete, Get, HttpStatus, Param, Post, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Requires, SignedIn } from '../access/access.decorator';
import { Actor, Capability } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { Language } from '../i18n/i18n';
import { ApiConflictDto, ApiErrorDto } from '../web/api/errors.dto';
import { Lang } from '../web/language';
import { InterestAnswerDto, InterestListDto } from './programme-interest.dto';
import { ProgrammeInterestService } from './programme-interest.service';

const NO_TOKEN = 'No valid token.';

@ApiTags('programmes')
@ApiBearerAuth()
@Controller('api/v1/programmes')
export class ProgrammeInterestApiController {
  constructor(private readonly interest: ProgrammeInterestService) {}

  @Post(':id/interest')
  @SignedIn()
  @ApiCreatedResponse({ type: InterestAnswerDto, description: 'You are on the programme’s list: you get one email when its next round is published.' })
  @ApiOkResponse({ type: InterestAnswerDto, description: 'You were on the list already (`unchanged`): nothing changed.' })
  @ApiUnauthorizedResponse({ type: ApiErrorDto, description: NO_TOKEN })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'Your email address is not verified yet (`accounts.verify.required`).' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No programme has this id.' })
  @ApiConflictResponse({ type: ApiConflictDto, description: 'The programme is not published (`programmeInterest.refused.notPublished`): nothing stored.' })
  async register(@Param('id') id: string, @CurrentActor() actor: Actor, @Res({ passthrough: true }) reply: FastifyReply): Promise<InterestAnswerDto> {
    const { already } = await this.interest.register(actor, id);
    if (already) reply.status(HttpStatus.OK);
    return { programmeId: id, waiting: true, unchanged: already };
  }

  @Delete(':id/interest')
  @SignedIn()
  @ApiOkResponse({ type: InterestAnswerDto, description: 'You are off the programme’s list (`unchanged` when you were not on it).' })
  @ApiUnauthorizedResponse({ type: ApiErrorDto, description: NO_TOKEN })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'The id is not a programme id.' })
  async withdraw(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<InterestAnswerDto> {
    const removed = await this.interest.withdraw(actor, id);
    return { programmeId: id, waiting: false, unchanged: !removed };
  }

  @Get(':id/interest')
  @Requires(Capability.ProgrammeManage)
  @ApiOkResponse({ type: InterestListDto, description: 'How many wait for the programme’s next round, by agency.' })
  @ApiUnauthorizedResponse({ type: ApiErrorDto, description: NO_TOKEN })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'The token’s owner is not an admin.' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No programme has this id.' })
  async list(@Param('id') id: string, @Lang() lang: Language): Promise<InterestListDto> {
    return this.interest.listFor(id, lang);
  }
}
