import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Requires } from '../access/access.decorator';
import { Capability } from '../access/capabilities';

/** /admin itself: the user list is where admins start. */
@ApiExcludeController()
@Controller('admin')
export class AdminController {
  @Get()
  @Requires(Capability.UsersManage)
  home(@Res() reply: FastifyReply) {
    reply.redirect('/admin/users', 303);
  }
}
