// The admin page that imports the historical list into the register (/admin/register/import):
// the CSV is pasted into the form (there is no file upload in the app), the preview lists every
// row with its errors, and the confirm button, shown only when there are none, sends the same text
// again (a hidden field), which RegisterImportService checks again and imports whole or not at all.
// A file with any fault answers 400 with the preview that says where.
import { Body, Controller, Get, HttpStatus, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { Requires } from '../access/access.decorator';
import { Actor, Capability } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { Language } from '../i18n/i18n';
import { FieldMessages, translateFields } from '../web/forms';
import { Lang } from '../web/language';
import { RegisterImportService } from './register-import.service';
import { importPage } from './register.view';

/** The one field of the import forms, the CSV text; anything else is refused as an unknown field. */
function csvOf(body: unknown): { text: string; errors: FieldMessages | null } {
  const fields = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((name) => name !== '_csrf' && name !== 'body');
  if (unknown.length) return { text: '', errors: Object.fromEntries(unknown.map((name) => [name, 'form.unknownField'])) };
  const text = typeof fields.body === 'string' ? fields.body : '';
  if (!text.trim()) return { text, errors: { body: 'register.import.file.empty' } };
  return { text, errors: null };
}

@ApiExcludeController()
@Requires(Capability.RegisterManage)
@Controller('admin/register/import')
export class RegisterImportController {
  constructor(private readonly imports: RegisterImportService) {}

  @Get()
  form(@Query('imported') imported: unknown, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const count = typeof imported === 'string' && /^[0-9]{1,6}$/.test(imported) ? Number(imported) : null;
    return reply.view('register/import', importPage(lang, '', null, { imported: count }));
  }

  @Post()
  async preview(@Body() body: unknown, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const { text, errors } = csvOf(body);
    if (errors) return reply.status(HttpStatus.BAD_REQUEST).view('register/import', importPage(lang, text, null, { errors: translateFields(errors, lang) }));
    const preview = await this.imports.preview(text);
    const refused = preview.fileError !== null || preview.errorCount > 0;
    return reply.status(refused ? HttpStatus.BAD_REQUEST : HttpStatus.OK).view('register/import', importPage(lang, text, preview));
  }

  @Post('confirm')
  async confirm(@Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const { text, errors } = csvOf(body);
    if (errors) return reply.status(HttpStatus.BAD_REQUEST).view('register/import', importPage(lang, text, null, { errors: translateFields(errors, lang) }));
    const outcome = await this.imports.confirm(actor.id, text);
    if ('refused' in outcome) return reply.status(HttpStatus.BAD_REQUEST).view('register/import', importPage(lang, text, outcome.refused));
    return reply.redirect(`/admin/register/import?imported=${outcome.imported}`, 303);
  }
}
