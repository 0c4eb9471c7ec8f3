// The pages' side of "tell me when the next round opens": the buttons' posts (join or leave a
// programme's list, then back to the round's or programme's page they were on) and the admins' page
// of a programme's list by agency. ProgrammeInterestService holds the rules.
import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { Requires, SignedIn } from '../access/access.decorator';
import { Actor, Capability } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { checkedId, FieldErrors, NotFound } from '../errors/domain-errors';
import { Language } from '../i18n/i18n';
import { validateForm } from '../web/forms';
import { Lang } from '../web/language';
import { CatalogueService } from './catalogue.service';
import { InterestFormDto } from './programme-interest.dto';
import { ProgrammeInterestService } from './programme-interest.service';
import { interestAdminPage, InterestNotice } from './programme-interest.view';

@ApiExcludeController()
@Controller()
export class ProgrammeInterestController {
  constructor(
    private readonly interest: ProgrammeInterestService,
    private readonly catalogue: CatalogueService,
  ) {}

  @Post('programmes/:id/interest')
  @SignedIn()
  async register(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const from = await this.formFrom(body);
    const { already } = await this.interest.register(actor, id);
    return reply.redirect(await this.back(id, from, already ? 'already' : 'added', actor, lang), 303);
  }

  @Post('programmes/:id/interest/withdraw')
  @SignedIn()
  async withdraw(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const from = await this.formFrom(body);
    await this.interest.withdraw(actor, id);
    return reply.redirect(await this.back(id, from, 'removed', actor, lang), 303);
  }

  @Get('admin/programmes/:id/interest')
  @Requires(Capability.ProgrammeManage)
  async adminPage(@Param('id') id: string, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const programme = await this.catalogue.findProgramme(checkedId(id), lang, actor);
    if (!programme) throw new NotFound();
    return reply.view('admin/programme-interest', interestAdminPage(programme, await this.interest.listFor(programme.id, lang), lang));
  }

  /** The round whose page the form was on, if it says; a form with anything else is refused (400), nothing changed. */
  private async formFrom(body: unknown): Promise<string | null> {
    const form = await validateForm(InterestFormDto, body);
    if (form.errors) throw new FieldErrors(form.errors);
    return form.value.from ?? null;
  }

  /** Back to the round's page the button was on, or to the programme's page with the notice. */
  private async back(programmeId: string, from: string | null, notice: InterestNotice, actor: Actor, lang: Language): Promise<string> {
    if (from) return `/cohorts/${from}#interest`;
    const programme = await this.catalogue.findProgramme(checkedId(programmeId), lang, actor);
    return programme ? `/programmes/${programme.slug}?interest=${notice}#interest` : '/programmes';
  }
}
