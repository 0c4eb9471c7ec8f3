// The signed-in person's notifications page: the list, opening one (it is marked read and leads to
// what it is about) and "mark all as read".
import { Controller, Get, NotFoundException, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { SignedIn } from '../access/access.decorator';
import { Actor } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { Language, translate } from '../i18n/i18n';
import { Lang } from '../web/language';
import { MyNotificationsService } from './my-notifications.service';

@ApiExcludeController()
@SignedIn()
@Controller('notifications')
export class MyNotificationsController {
  constructor(private readonly notifications: MyNotificationsService) {}

  @Get()
  async list(@Query() query: Record<string, unknown>, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const cursor = typeof query.cursor === 'string' && query.cursor !== '' ? query.cursor : undefined;
    const page = await this.notifications.list(actor.id, lang, cursor);
    return reply.view('notifications/my-notifications', {
      title: translate(lang, 'notifications.title'),
      notifications: page.items,
      nextHref: page.nextCursor ? `/notifications?cursor=${encodeURIComponent(page.nextCursor)}` : null,
      allRead: query.read === 'all',
    });
  }

  @Post('read')
  async markAllRead(@CurrentActor() actor: Actor, @Res() reply: FastifyReply) {
    await this.notifications.markAllRead(actor.id);
    return reply.redirect('/notifications?read=all', 303);
  }

  /** Opens one: read from now on, and off to what it is about. Someone else's is answered as unknown. */
  @Get(':id')
  async open(@Param('id') id: string, @CurrentActor() actor: Actor, @Res() reply: FastifyReply) {
    const path = await this.notifications.open(actor.id, id);
    if (!path) throw new NotFoundException();
    return reply.redirect(path, 303);
  }
}
