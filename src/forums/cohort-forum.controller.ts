// A round's discussion by the round's id: lower areas (enrolment's "my cohorts", the home page) link
// to `/cohorts/:id/forum` without knowing how channels are stored. Whether the person may read it is
// decided on the channel's own page, as for any other link there.
import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { SignedIn } from '../access/access.decorator';
import { ForumsService } from './forums.service';

@ApiExcludeController()
@SignedIn()
@Controller('cohorts/:id')
export class CohortForumController {
  constructor(private readonly forums: ForumsService) {}

  @Get('forum')
  async forum(@Param('id') id: string, @Res() reply: FastifyReply) {
    const channelId = await this.forums.cohortChannelId(id);
    if (!channelId) throw new NotFoundException();
    return reply.redirect(`/channels/${channelId}`, 303);
  }
}
