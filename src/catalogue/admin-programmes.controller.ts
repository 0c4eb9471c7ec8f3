// The admin pages for programmes: the list (drafts too, with how many rounds each has), the form
// that creates one, and its page, which edits it, changes its status and lists its rounds. A refused
// form shows its page again, 400, with the messages next to the fields and the input kept; a status
// change the service refuses shows the page with the reason, 409.
import { Body, Controller, Get, HttpStatus, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { Requires } from '../access/access.decorator';
import { Actor, Capability } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { FieldErrors, Refused } from '../errors/domain-errors';
import { Language, localized, translate } from '../i18n/i18n';
import { FieldMessages, translateFields, translateMessage, validateForm } from '../web/forms';
import { Lang } from '../web/language';
import { ProgrammeFormDto, programmeInputOf, ProgrammeStatusDto } from './admin-catalogue.dto';
import { CatalogueService } from './catalogue.service';
import { PROGRAMME_STATUSES, PROGRAMME_THEMES } from './programme.entity';
import { ProgrammeForEdit, ProgrammesService } from './programmes.service';

const PROGRAMME_NOTICES = ['created', 'saved', 'status'] as const;
const TEXT_FIELDS = ['title', 'summary', 'description'] as const;
const LANGUAGE_CODES = ['fi', 'sv', 'en'] as const;
const FORM_FIELDS = ['slug', 'theme', 'position', 'facilitatorEmails', ...TEXT_FIELDS.flatMap((field) => LANGUAGE_CODES.map((code) => `${field}${capitalised(code)}`))];

type FormValues = Record<string, string>;

function capitalised(code: string): string {
  return code[0].toUpperCase() + code.slice(1);
}

function text(body: unknown, field: string): string {
  const value = (body && typeof body === 'object' ? (body as Record<string, unknown>) : {})[field];
  return typeof value === 'string' ? value : '';
}

const valuesOfBody = (body: unknown): FormValues => Object.fromEntries(FORM_FIELDS.map((field) => [field, text(body, field)]));

function valuesOfProgramme(programme: ProgrammeForEdit): FormValues {
  const values: FormValues = { slug: programme.slug, theme: programme.theme, position: String(programme.position), facilitatorEmails: programme.facilitatorEmails.join('\n') };
  for (const field of TEXT_FIELDS) for (const code of LANGUAGE_CODES) values[`${field}${capitalised(code)}`] = programme[field][code] ?? '';
  return values;
}

/** The form's fields with their values and messages; any message without a field goes to the summary. */
function programmeForm(values: FormValues, errors: FieldMessages | null, lang: Language) {
  const field = (name: string) => ({ value: values[name] ?? '', error: errors?.[name] ?? null });
  return {
    slug: field('slug'),
    position: field('position'),
    facilitatorEmails: field('facilitatorEmails'),
    themeError: errors?.theme ?? null,
    themes: PROGRAMME_THEMES.map((value) => ({ value, label: translate(lang, `theme.${value}`), selected: value === values.theme })),
    languages: LANGUAGE_CODES.map((code) => ({
      code,
      required: code === 'fi',
      legend: translate(lang, `admin.programme.texts.${code}`),
      title: { id: `programme-title-${code}`, name: `title${capitalised(code)}`, ...field(`title${capitalised(code)}`) },
      summary: { id: `programme-summary-${code}`, name: `summary${capitalised(code)}`, ...field(`summary${capitalised(code)}`) },
      description: { id: `programme-description-${code}`, name: `description${capitalised(code)}`, ...field(`description${capitalised(code)}`) },
    })),
  };
}

const otherErrors = (errors: FieldMessages | null, known: string[]) =>
  errors ? Object.entries(errors).filter(([field]) => !known.includes(field)).map(([field, message]) => ({ field, message })) : [];

@ApiExcludeController()
@Requires(Capability.ProgrammeManage)
@Controller('admin/programmes')
export class AdminProgrammesController {
  constructor(
    private readonly programmes: ProgrammesService,
    private readonly catalogue: CatalogueService,
  ) {}

  @Get()
  async list(@Query('done') done: unknown, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const programmes = await this.catalogue.listAllProgrammes(lang);
    return reply.view('admin/programmes', {
      title: translate(lang, 'admin.programmes.title'),
      notice: done === 'created' ? translate(lang, 'admin.programme.notice.created') : null,
      programmes: programmes.map((programme) => ({ ...programme, statusLabel: translate(lang, `programme.status.${programme.status}`), themeLabel: translate(lang, `theme.${programme.theme}`) })),
    });
  }

  @Get('new')
  newForm(@Lang() lang: Language, @Res() reply: FastifyReply) {
    return reply.view('admin/programme-form', this.newPage(lang, { theme: 'other', position: '0' }, null));
  }

  @Post()
  async create(@Body() body: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(ProgrammeFormDto, body);
    let errors = form.errors;
    if (form.value) {
      try {
        const programme = await this.programmes.create(actorId, programmeInputOf(form.value));
        return reply.redirect(`/admin/programmes/${programme.id}?done=created`, 303);
      } catch (error) {
        if (!(error instanceof FieldErrors)) throw error;
        errors = error.fields;
      }
    }
    return reply.status(HttpStatus.BAD_REQUEST).view('admin/programme-form', this.newPage(lang, valuesOfBody(body), translateFields(errors!, lang)));
  }

  @Get(':id')
  async show(@Param('id') id: string, @Query('done') done: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const programme = await this.programmes.findForEdit(id);
    const notice = PROGRAMME_NOTICES.find((name) => name === done);
    return reply.view('admin/programme', await this.programmePage(programme, actor, lang, { notice: notice ? translate(lang, `admin.programme.notice.${notice}`) : null }));
  }

  @Post(':id')
  async update(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(ProgrammeFormDto, body);
    let errors = form.errors;
    if (form.value) {
      try {
        await this.programmes.update(actor.id, id, programmeInputOf(form.value));
        return reply.redirect(`/admin/programmes/${id}?done=saved`, 303);
      } catch (error) {
        if (!(error instanceof FieldErrors)) throw error;
        errors = error.fields;
      }
    }
    const programme = await this.programmes.findForEdit(id);
    return reply.status(HttpStatus.BAD_REQUEST).view('admin/programme', await this.programmePage(programme, actor, lang, { values: valuesOfBody(body), errors: translateFields(errors!, lang) }));
  }

  @Post(':id/status')
  async setStatus(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(ProgrammeStatusDto, body);
    let status: number = HttpStatus.BAD_REQUEST;
    let state: { errors?: FieldMessages; refusal?: string } = { errors: form.errors ? translateFields(form.errors, lang) : undefined };
    if (form.value) {
      try {
        await this.programmes.setStatus(actor.id, id, form.value.status);
        return reply.redirect(`/admin/programmes/${id}?done=status`, 303);
      } catch (error) {
        if (!(error instanceof Refused)) throw error;
        status = HttpStatus.CONFLICT;
        state = { refusal: translateMessage(lang, error.reason) };
      }
    }
    const programme = await this.programmes.findForEdit(id);
    return reply.status(status).view('admin/programme', await this.programmePage(programme, actor, lang, state));
  }

  private newPage(lang: Language, values: FormValues, errors: FieldMessages | null) {
    return {
      title: translate(lang, 'admin.programme.new'),
      errors,
      otherErrors: otherErrors(errors, FORM_FIELDS),
      form: programmeForm(values, errors, lang),
    };
  }

  /** The programme's page: its form (with what was typed, when refused), status and rounds. */
  private async programmePage(
    programme: ProgrammeForEdit,
    actor: Actor,
    lang: Language,
    state: { notice?: string | null; values?: FormValues; errors?: FieldMessages; refusal?: string },
  ) {
    const errors = state.errors ?? null;
    const cohorts = await this.catalogue.cohortPage({ programme: programme.id, limit: 100 }, actor, lang);
    return {
      title: localized(programme.title, lang),
      notice: state.notice ?? null,
      refusal: state.refusal ?? null,
      errors,
      otherErrors: otherErrors(errors, [...FORM_FIELDS, 'status']),
      programme: { id: programme.id, slug: programme.slug, status: programme.status, statusLabel: translate(lang, `programme.status.${programme.status}`) },
      statusError: errors?.status ?? null,
      statusActions: PROGRAMME_STATUSES.filter((status) => status !== programme.status).map((value) => ({ value, label: translate(lang, `admin.programme.statusAction.${value}`) })),
      form: programmeForm(state.values ?? valuesOfProgramme(programme), errors, lang),
      cohorts: cohorts.items.map((cohort) => ({ ...cohort, statusLabel: translate(lang, `cohort.status.${cohort.status}`), isDraft: cohort.status === 'draft' })),
    };
  }
}
