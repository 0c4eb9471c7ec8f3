import { Body, Controller, Get, HttpStatus, NotFoundException, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { isLanguage, Language, LANGUAGES, translate } from '../i18n/i18n';
import { Requires } from '../access/access.decorator';
import { Capability } from '../access/capabilities';
import { NOTIFICATION_STATUSES, NotificationStatus } from '../notifications/notification.entity';
import { kindName } from '../notifications/notification-kinds';
import { isEmailAddress } from '../notifications/notifications.service';
import { OutboxFilter, OutboxService } from '../notifications/outbox.service';
import { Lang } from '../web/language';

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

@ApiExcludeController()
@Requires(Capability.OutboxManage)
@Controller('admin/outbox')
export class OutboxController {
  constructor(private readonly outbox: OutboxService) {}

  @Get()
  async list(@Query() query: Record<string, unknown>, @Lang() lang: Language, @Res() reply: FastifyReply) {
    return reply.view('ops/outbox', await this.listPage(query, lang));
  }

  /** "Send a test message": checks that mail gets out. A bad address re-shows the form with its message. */
  @Post('test-message')
  async testMessage(@Body() body: Record<string, unknown> | undefined, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const email = text(body?.email);
    const language = isLanguage(body?.language) ? body.language : lang;
    if (!isEmailAddress(email)) {
      const page = await this.listPage({}, lang);
      return reply.status(HttpStatus.BAD_REQUEST).view('ops/outbox', {
        ...page,
        testForm: {
          email,
          languages: LANGUAGES.map((code) => ({ code, selected: code === language })),
          error: translate(lang, 'outbox.test.badEmail'),
        },
      });
    }
    await this.outbox.sendTestMessage(email, language);
    return reply.redirect('/admin/outbox?queued=1', 303);
  }

  @Get(':id')
  async show(@Param('id') id: string, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const message = await this.outbox.find(id);
    if (!message) throw new NotFoundException();
    return reply.view('ops/outbox-message', {
      title: translate(lang, 'outbox.message.title'),
      message,
      kindLabel: kindName(message.kind, lang),
      statusLabel: translate(lang, `notifications.status.${message.status}`),
      canResend: message.status === 'failed',
    });
  }

  /** The HTML part as sent, on a page of its own that may run nothing and load nothing. */
  @Get(':id/html')
  async html(@Param('id') id: string, @Res() reply: FastifyReply) {
    const message = await this.outbox.find(id);
    if (!message?.bodyHtml) throw new NotFoundException();
    return reply
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
      .type('text/html; charset=utf-8')
      .send(message.bodyHtml);
  }

  @Post(':id/resend')
  async resend(@Param('id') id: string, @Res() reply: FastifyReply) {
    if (!(await this.outbox.find(id))) throw new NotFoundException();
    await this.outbox.resend(id);
    return reply.redirect(`/admin/outbox/${id}`, 303);
  }

  private async listPage(query: Record<string, unknown>, lang: Language) {
    const status = NOTIFICATION_STATUSES.find((s) => s === query.status) as NotificationStatus | undefined;
    const filter: OutboxFilter = {
      kind: this.outbox.kindNames().find((name) => name === query.kind),
      status,
      recipient: text(query.recipient) || undefined,
      before: text(query.before) || undefined,
    };
    const { rows, next } = await this.outbox.list(filter);
    const params = new URLSearchParams(
      Object.entries({ kind: filter.kind, status: filter.status, recipient: filter.recipient }).filter((e): e is [string, string] => Boolean(e[1])),
    );
    return {
      title: translate(lang, 'outbox.title'),
      filter,
      queued: query.queued === '1',
      kinds: this.outbox
        .kindNames()
        .map((name) => ({ name, label: kindName(name, lang), selected: name === filter.kind }))
        .sort((a, b) => a.label.localeCompare(b.label, lang)),
      statuses: NOTIFICATION_STATUSES.map((name) => ({ name, label: translate(lang, `notifications.status.${name}`), selected: name === filter.status })),
      rows: rows.map((row) => ({ ...row, kindLabel: kindName(row.kind, lang), statusLabel: translate(lang, `notifications.status.${row.status}`) })),
      nextHref: next ? `/admin/outbox?${params.toString() ? `${params}&` : ''}before=${encodeURIComponent(next)}` : null,
      testForm: { email: '', languages: LANGUAGES.map((code) => ({ code, selected: code === lang })), error: null as string | null },
    };
  }
}
