import { Body, Controller, Get, HttpStatus, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CONFIG, Config } from '../config/config';
import { Language, translate } from '../i18n/i18n';
import { signInAdmin, signOutAdmin, tokenMatches } from './admin-access';
import { Lang, safeLocalPath } from './language';

@ApiExcludeController()
@Controller('admin')
export class AdminController {
  constructor(@Inject(CONFIG) private readonly config: Config) {}

  @Get()
  home(@Res() reply: FastifyReply) {
    reply.redirect('/admin/outbox', 303);
  }

  @Get('login')
  loginForm(@Query('next') next: unknown, @Lang() lang: Language, @Res() reply: FastifyReply) {
    return reply.view('admin/login', this.loginPage(lang, safeLocalPath(next)));
  }

  @Post('login')
  login(@Body() body: Record<string, unknown> | undefined, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const next = safeLocalPath(body?.next);
    if (!tokenMatches(this.config, body?.token)) {
      const error = this.config.adminToken ? translate(request.lang, 'admin.login.wrongToken') : translate(request.lang, 'admin.login.disabled');
      return reply.status(HttpStatus.BAD_REQUEST).view('admin/login', { ...this.loginPage(request.lang, next), error });
    }
    signInAdmin(reply, this.config.baseUrl.startsWith('https:'));
    return reply.redirect(next.startsWith('/admin') ? next : '/admin/outbox', 303);
  }

  @Post('logout')
  logout(@Res() reply: FastifyReply) {
    signOutAdmin(reply);
    return reply.redirect('/', 303);
  }

  private loginPage(lang: Language, next: string) {
    return { title: translate(lang, 'admin.login.title'), next, enabled: Boolean(this.config.adminToken) };
  }
}
