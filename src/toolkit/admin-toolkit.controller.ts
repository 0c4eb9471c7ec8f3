// The admins' curation of the toolkit library (/admin/toolkit): the cases waiting for a decision and
// every entry; an entry's page edits it, adds and removes its files (a multipart form, without
// JavaScript) and links (ordered up and down), approves a pending case or declines it with a note,
// and removes the entry. A refused form shows its page again, 400, with each message next to its
// input and the input kept; a decision on a case already decided says so, 409 (web/form-round-trip.ts).
import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Requires } from '../access/access.decorator';
import { Actor, Capability } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { checkedId, FieldErrors } from '../errors/domain-errors';
import { FilesService } from '../files/files.service';
import { Language, translate } from '../i18n/i18n';
import { unknownFields } from '../web/form-fields';
import { formRoundTrip, RefusedState } from '../web/form-round-trip';
import { FieldMessages, fieldText, translateFields } from '../web/forms';
import { Lang } from '../web/language';
import { answeredCutOff, formFiles } from '../web/multipart';
import { ToolkitService } from './toolkit.service';
import { adminEntryPage, adminListPage, entryFieldsOf, EntryForm, entryFormOf, entryFormOfEntry } from './toolkit.view';

const NOTICES = ['created', 'saved', 'removed', 'fileAdded', 'fileRemoved', 'linkAdded', 'linkRemoved', 'linkMoved', 'approved', 'declined'] as const;
const noticeOf = (done: unknown, lang: Language) => {
  const notice = NOTICES.find((name) => name === done);
  return notice ? translate(lang, `toolkit.admin.notice.${notice}`) : null;
};
const EMPTY_FORM: EntryForm = { kind: 'workbook', position: '0', title: {}, description: {}, themes: [] };

/** Only these fields (besides the CSRF token); anything else is refused as an unknown field. */
function onlyFields(body: unknown, names: string[]): FieldMessages | null {
  const unknown = Object.keys(body && typeof body === 'object' ? body : {}).filter((name) => name !== '_csrf' && !names.includes(name));
  return unknown.length ? Object.fromEntries(unknown.map((name) => [name, 'form.unknownField'])) : null;
}

/** What a refused small form keeps on the entry's page: the link being added, the decline note. */
interface EntryPageExtras {
  linkForm?: { url: string; label: string };
  decline?: string;
}

/** The service's messages about an entry's fields, named as the form's inputs; null when there are none. */
const entryProblemsOf = (problems: FieldMessages | null) => (problems ? entryFieldsOf(problems) : null);

@ApiExcludeController()
@Requires(Capability.ToolkitCurate)
@Controller('admin/toolkit')
export class AdminToolkitController {
  constructor(
    private readonly toolkit: ToolkitService,
    private readonly files: FilesService,
  ) {}

  @Get()
  async list(@Query('done') done: unknown, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const [entries, pending] = await Promise.all([this.toolkit.all(), this.toolkit.pending()]);
    return reply.view('toolkit/admin-list', adminListPage(lang, entries, pending, noticeOf(done, lang)));
  }

  @Get('new')
  newForm(@Lang() lang: Language, @Res() reply: FastifyReply) {
    return reply.view('toolkit/admin-entry', adminEntryPage(lang, null, EMPTY_FORM, {}, this.files.maxMegabytes));
  }

  @Post()
  async create(@Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const { form, input, unknown } = entryFormOf(body);
    return formRoundTrip({
      reply,
      lang,
      errors: Object.keys(unknown).length ? unknown : entryProblemsOf(this.toolkit.entryProblems(input)),
      change: async () => `/admin/toolkit/${await this.toolkit.create(actor, input)}?done=created`,
      view: 'toolkit/admin-entry',
      page: (state) => adminEntryPage(lang, null, form, state, this.files.maxMegabytes),
      fieldsOf: entryFieldsOf,
    });
  }

  @Get(':id')
  async show(@Param('id') id: string, @Query('done') done: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const entry = await this.toolkit.forCuration(actor, id);
    reply.header('cache-control', 'no-store');
    return reply.view('toolkit/admin-entry', adminEntryPage(lang, entry, entryFormOfEntry(entry), { notice: noticeOf(done, lang) }, this.files.maxMegabytes));
  }

  @Post(':id')
  async update(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    checkedId(id);
    const { form, input, unknown } = entryFormOf(body);
    return formRoundTrip({
      reply,
      lang,
      errors: Object.keys(unknown).length ? unknown : entryProblemsOf(this.toolkit.entryProblems(input)),
      change: async () => {
        await this.toolkit.update(actor, id, input);
        return `/admin/toolkit/${id}?done=saved`;
      },
      view: 'toolkit/admin-entry',
      page: async (state) => adminEntryPage(lang, await this.toolkit.forCuration(actor, id), form, state, this.files.maxMegabytes),
      fieldsOf: entryFieldsOf,
    });
  }

  @Post(':id/delete')
  async remove(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    checkedId(id);
    return this.entryForm(reply, actor, id, lang, unknownFields(body), async () => {
      await this.toolkit.remove(actor, id);
      return '/admin/toolkit?done=removed';
    });
  }

  /** A multipart form with one file input (more may be chosen, up to five); a refused file leaves none of them. */
  @Post(':id/files')
  async addFiles(@Param('id') id: string, @Body() body: unknown, @Req() request: FastifyRequest, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    checkedId(id);
    const unknown = unknownFields(body);
    let errors: FieldMessages | null = unknown;
    if (!errors) {
      try {
        await this.toolkit.addFiles(actor, id, formFiles(request, 'files'));
        return reply.redirect(`/admin/toolkit/${id}?done=fileAdded#files`, 303);
      } catch (error) {
        if (answeredCutOff(request, reply, 'a toolkit upload')) return reply;
        if (!(error instanceof FieldErrors)) throw error;
        errors = error.fields;
      }
    }
    return reply.status(400).view('toolkit/admin-entry', await this.entryAgain(actor, id, lang, { errors: translateFields(errors, lang) }));
  }

  @Post(':id/files/:fileId/delete')
  async removeFile(@Param('id') id: string, @Param('fileId') fileId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    checkedId(id);
    return this.entryForm(reply, actor, id, lang, unknownFields(body), async () => {
      await this.toolkit.removeFile(actor, id, fileId);
      return `/admin/toolkit/${id}?done=fileRemoved#files`;
    });
  }

  @Post(':id/links')
  async addLink(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    checkedId(id);
    const linkForm = { url: fieldText(body, 'url'), label: fieldText(body, 'label') };
    return this.entryForm(reply, actor, id, lang, onlyFields(body, ['url', 'label']), async () => {
      await this.toolkit.addLink(actor, id, linkForm.url, linkForm.label);
      return `/admin/toolkit/${id}?done=linkAdded#links`;
    }, { linkForm });
  }

  @Post(':id/links/:linkId/delete')
  async removeLink(@Param('id') id: string, @Param('linkId') linkId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    checkedId(id);
    return this.entryForm(reply, actor, id, lang, unknownFields(body), async () => {
      await this.toolkit.removeLink(actor, id, linkId);
      return `/admin/toolkit/${id}?done=linkRemoved#links`;
    });
  }

  @Post(':id/links/:linkId/move')
  async moveLink(@Param('id') id: string, @Param('linkId') linkId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    checkedId(id);
    const direction = fieldText(body, 'direction');
    const errors = onlyFields(body, ['direction']) ?? (direction === 'up' || direction === 'down' ? null : { direction: 'toolkit.link.direction' });
    return this.entryForm(reply, actor, id, lang, errors, async () => {
      await this.toolkit.moveLink(actor, id, linkId, direction as 'up' | 'down');
      return `/admin/toolkit/${id}?done=linkMoved#links`;
    });
  }

  @Post(':id/approve')
  async approve(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    checkedId(id);
    return this.entryForm(reply, actor, id, lang, unknownFields(body), async () => {
      await this.toolkit.approve(actor, id);
      return `/admin/toolkit/${id}?done=approved`;
    });
  }

  /** The note (`body`, a text area) is what the submitter reads in the mail. */
  @Post(':id/decline')
  async decline(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    checkedId(id);
    const note = fieldText(body, 'body');
    return this.entryForm(reply, actor, id, lang, onlyFields(body, ['body']), async () => {
      await this.toolkit.decline(actor, id, note);
      return `/admin/toolkit/${id}?done=declined`;
    }, { decline: note });
  }

  /** One of the entry page's small forms (web/form-round-trip.ts): `change` on success, the entry's page again with the messages when refused. */
  private entryForm(reply: FastifyReply, actor: Actor, id: string, lang: Language, errors: FieldMessages | null, change: () => Promise<string>, extra: EntryPageExtras = {}) {
    return formRoundTrip({ reply, lang, errors, change, view: 'toolkit/admin-entry', page: (state) => this.entryAgain(actor, id, lang, { ...state, ...extra }) });
  }

  /** The entry's page as it is now, with a form's messages, or the reason a change was refused. */
  private async entryAgain(actor: Actor, id: string, lang: Language, state: RefusedState & EntryPageExtras) {
    const entry = await this.toolkit.forCuration(actor, id);
    return adminEntryPage(lang, entry, entryFormOfEntry(entry), state, this.files.maxMegabytes);
  }
}
