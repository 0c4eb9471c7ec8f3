// Keeping materials over the web, for admins and the facilitators of the programme or round: the add
// form of a programme, a round or a session (multipart, the text fields first and the file last,
// works without JavaScript), a material's replace form (a new version; the old ones listed), and the
// move and remove buttons the materials section shows. After a change, back to the page that lists
// the materials. A refused form is shown again with the messages next to its fields.
import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SignedIn } from '../access/access.decorator';
import { Actor } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { FieldErrors } from '../errors/domain-errors';
import { Language, localized, translate } from '../i18n/i18n';
import { confirmationPage, confirmedForm } from '../web/confirmation';
import { formRoundTrip } from '../web/form-round-trip';
import { unknownFields } from '../web/form-fields';
import { validateForm } from '../web/forms';
import { Lang } from '../web/language';
import { MaterialFormDto, MoveFormDto } from './materials.dto';
import { IncomingFile, MaterialHome, MaterialItem, MaterialPlace, MaterialsService } from './materials.service';
import { materialForm } from './materials.view';
import { answeredCutOff } from '../web/multipart';

@ApiExcludeController()
@Controller()
@SignedIn()
export class MaterialsController {
  constructor(private readonly materials: MaterialsService) {}

  @Get('programmes/:slug/materials/new')
  programmeForm(@Param('slug') slug: string, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    return this.addForm('programme', slug, actor, lang, reply);
  }

  @Get('cohorts/:id/materials/new')
  cohortForm(@Param('id') id: string, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    return this.addForm('cohort', id, actor, lang, reply);
  }

  @Get('sessions/:id/materials/new')
  sessionForm(@Param('id') id: string, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    return this.addForm('session', id, actor, lang, reply);
  }

  @Post('programmes/:slug/materials')
  addToProgramme(@Param('slug') slug: string, @CurrentActor() actor: Actor, @Lang() lang: Language, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return this.add('programme', slug, actor, lang, request, reply);
  }

  @Post('cohorts/:id/materials')
  addToCohort(@Param('id') id: string, @CurrentActor() actor: Actor, @Lang() lang: Language, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return this.add('cohort', id, actor, lang, request, reply);
  }

  @Post('sessions/:id/materials')
  addToSession(@Param('id') id: string, @CurrentActor() actor: Actor, @Lang() lang: Language, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return this.add('session', id, actor, lang, request, reply);
  }

  @Get('materials/:id/replace')
  async replaceForm(@Param('id') id: string, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const { material, home } = await this.materials.managedMaterial(actor, id);
    return reply.view('materials/form', materialForm(home, material, lang, this.materials.maxMegabytes, {}));
  }

  @Post('materials/:id/replace')
  async replace(@Param('id') id: string, @CurrentActor() actor: Actor, @Lang() lang: Language, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const { material, home } = await this.materials.managedMaterial(actor, id);
    return this.roundTrip(request, reply, lang, home, material, (file, form) => this.materials.replace(actor, id, form, file));
  }

  @Post('materials/:id/move')
  async move(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Res() reply: FastifyReply) {
    await this.materials.managedMaterial(actor, id);
    const form = await validateForm(MoveFormDto, body);
    if (form.errors) throw new FieldErrors(form.errors);
    const home = await this.materials.move(actor, id, form.value.direction);
    return reply.redirect(`${home.pagePath}#materials-${home.place}`, 303);
  }

  /** Asks first (the removal takes every version and file with it), then removes. */
  @Post('materials/:id/remove')
  async remove(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const { material, home } = await this.materials.managedMaterial(actor, id);
    const { confirmed, fields } = confirmedForm(body);
    const unknown = unknownFields(fields);
    if (unknown) throw new FieldErrors(unknown);
    if (!confirmed) {
      return confirmationPage(reply, {
        question: translate(lang, 'materials.remove.question'),
        consequence: translate(lang, 'materials.remove.consequence', { title: localized(material.title, lang), versions: material.versions.length }),
        yes: translate(lang, 'materials.remove.yes'),
        action: `/materials/${id}/remove`,
        backHref: `${home.pagePath}#materials-${home.place}`,
        fields,
      });
    }
    await this.materials.remove(actor, id);
    return reply.redirect(`${home.pagePath}#materials-${home.place}`, 303);
  }

  private async addForm(place: MaterialPlace, ownerId: string, actor: Actor, lang: Language, reply: FastifyReply) {
    const home = await this.materials.managed(actor, place, ownerId);
    return reply.view('materials/form', materialForm(home, null, lang, this.materials.maxMegabytes, {}));
  }

  private async add(place: MaterialPlace, ownerId: string, actor: Actor, lang: Language, request: FastifyRequest, reply: FastifyReply) {
    // Outsiders are refused before their form is read.
    const home = await this.materials.managed(actor, place, ownerId);
    return this.roundTrip(request, reply, lang, home, null, (file, form) => this.materials.add(actor, place, ownerId, form, file));
  }

  /** Reads the form and its file, makes the change and goes back to the page; or the form again with what was wrong. */
  private async roundTrip(
    request: FastifyRequest,
    reply: FastifyReply,
    lang: Language,
    home: MaterialHome,
    material: MaterialItem | null,
    change: (file: IncomingFile | null, form: MaterialFormDto) => Promise<MaterialHome>,
  ) {
    const form = await validateForm(MaterialFormDto, request.body);
    const file = await firstFile(request);
    if (form.errors) file?.content.resume();
    try {
      return await formRoundTrip({
        reply,
        lang,
        errors: form.errors,
        change: async () => {
          const done = await change(file, form.value!);
          return `${done.pagePath}#materials-${done.place}`;
        },
        view: 'materials/form',
        page: (state) => materialForm(home, material, lang, this.materials.maxMegabytes, { body: request.body, errors: state.errors, refusal: state.refusal }),
      });
    } catch (error) {
      if (answeredCutOff(request, reply, 'a material upload')) return reply;
      throw error;
    }
  }
}

/** The form's file, if one was chosen: a browser sends an empty part with no name when none was. */
async function firstFile(request: FastifyRequest): Promise<IncomingFile | null> {
  const upload = request.uploads ? (await request.uploads().next()).value : undefined;
  if (!upload) return null;
  if (!upload.filename) {
    upload.file.resume();
    return null;
  }
  return { content: upload.file, name: upload.filename, type: upload.mimetype };
}
