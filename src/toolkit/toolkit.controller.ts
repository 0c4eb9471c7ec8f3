// The toolkit library's pages: /toolkit, the published entries with a filter by kind and theme and a
// search (anyone, guests too, as the catalogue); /toolkit/:id, one entry (a pending or declined case
// only to its submitter and admins; a guest is sent to sign in); the case form (signed-in people:
// "tell us about an experiment", multipart with up to five files, works without JavaScript) and a
// person's own cases with their outcome at /my/toolkit-cases.
import { Body, Controller, Get, HttpStatus, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public, SignedIn } from '../access/access.decorator';
import { SignInRequired } from '../access/access.guard';
import { Actor, can, Capability } from '../access/capabilities';
import { CurrentActor, Viewer } from '../access/current-actor';
import { FieldErrors, NotAllowed } from '../errors/domain-errors';
import { FilesService } from '../files/files.service';
import { Language } from '../i18n/i18n';
import { translateFields } from '../web/forms';
import { Lang } from '../web/language';
import { ToolkitService } from './toolkit.service';
import { caseFormOf, caseFormPage, entryPage, libraryPage, myCasesPage } from './toolkit.view';
import { answeredCutOff, formFiles } from '../web/multipart';

const queryOf = (query: unknown): Record<string, unknown> => (query && typeof query === 'object' ? (query as Record<string, unknown>) : {});
const textOf = (value: unknown): string => (typeof value === 'string' ? value : '');


@ApiExcludeController()
@Controller()
export class ToolkitController {
  constructor(
    private readonly toolkit: ToolkitService,
    private readonly files: FilesService,
  ) {}

  @Get('toolkit')
  @Public()
  async library(@Query() query: unknown, @Viewer() viewer: Actor | null, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const raw = queryOf(query);
    const asked = { kind: textOf(raw.kind), theme: textOf(raw.theme), q: textOf(raw.q) };
    try {
      const filter = this.toolkit.filterOf(raw);
      return reply.view('toolkit/library', libraryPage(lang, asked, { entries: await this.toolkit.published(filter), filter }, !!viewer));
    } catch (error) {
      if (!(error instanceof FieldErrors)) throw error;
      return reply.status(HttpStatus.BAD_REQUEST).view('toolkit/library', libraryPage(lang, asked, { errors: translateFields(error.fields, lang) }, !!viewer));
    }
  }

  @Get('toolkit/cases/new')
  @SignedIn()
  caseForm(@Lang() lang: Language, @Res() reply: FastifyReply) {
    return reply.view('toolkit/case-form', caseFormPage(lang, { title: '', description: '', themes: [], links: [] }, null, this.files.maxMegabytes));
  }

  /** Text fields come before the files (web/multipart.ts): a refused text is answered before any file is read. */
  @Post('toolkit/cases')
  @SignedIn()
  async submitCase(@Body() body: unknown, @Req() request: FastifyRequest, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const { input, unknown } = caseFormOf(body);
    const again = (errors: Record<string, string>) =>
      reply.status(HttpStatus.BAD_REQUEST).view('toolkit/case-form', caseFormPage(lang, input, translateFields(errors, lang), this.files.maxMegabytes));
    const errors = Object.keys(unknown).length ? unknown : this.toolkit.caseProblems(input);
    if (errors) return again(errors);
    try {
      await this.toolkit.submitCase(actor, input, lang, formFiles(request, 'files'));
    } catch (error) {
      if (answeredCutOff(request, reply, 'a case upload')) return reply;
      if (error instanceof FieldErrors) return again(error.fields);
      throw error;
    }
    return reply.redirect('/my/toolkit-cases?submitted=1', 303);
  }

  @Get('toolkit/:id')
  @Public()
  async entry(@Param('id') id: string, @Viewer() viewer: Actor | null, @Lang() lang: Language, @Res() reply: FastifyReply) {
    try {
      const entry = await this.toolkit.entry(viewer, id);
      if (entry.status !== 'published') reply.header('cache-control', 'no-store');
      return reply.view('toolkit/entry', entryPage(lang, entry, { curates: can(viewer, Capability.ToolkitCurate), own: !!viewer && entry.submittedBy === viewer.id }));
    } catch (error) {
      if (error instanceof NotAllowed && !viewer) throw new SignInRequired();
      throw error;
    }
  }

  @Get('my/toolkit-cases')
  @SignedIn()
  async myCases(@Query('submitted') submitted: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    reply.header('cache-control', 'no-store');
    return reply.view('toolkit/my-cases', myCasesPage(lang, await this.toolkit.casesOf(actor), submitted === '1'));
  }
}
