// The register of trained developers, /developers: signed-in people (a guest gets the sign-in page)
// filter it by agency and programme (GET ?agency=&programme=&page=; a bad value shows the filter
// again, 400, with the message at its field, and no list) and see whom RegisterService lets them
// see; admins and agency contacts download an agency's rows as CSV (/developers.csv?agency=).
import { Controller, Get, HttpStatus, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { SignedIn } from '../access/access.decorator';
import { Actor } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { FieldErrors } from '../errors/domain-errors';
import { Language } from '../i18n/i18n';
import { AgencyService } from '../identity/agency.service';
import { translateFields } from '../web/forms';
import { Lang } from '../web/language';
import { sendSpreadsheet } from '../web/spreadsheet';
import { RegisterService } from './register.service';
import { developersPage, registerCsv } from './register.view';

const queryOf = (query: unknown): Record<string, unknown> => (query && typeof query === 'object' ? (query as Record<string, unknown>) : {});
const textOf = (value: unknown): string => (typeof value === 'string' ? value : '');

@ApiExcludeController()
@SignedIn()
@Controller()
export class RegisterController {
  constructor(
    private readonly register: RegisterService,
    private readonly agencies: AgencyService,
  ) {}

  @Get('developers')
  async page(@Query() query: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const raw = queryOf(query);
    const input = { agency: textOf(raw.agency).trim(), programme: textOf(raw.programme).trim() };
    const agencies = await this.agencies.list(lang);
    const options = await this.register.filterOptions(lang, agencies);
    const ownAgency = agencies.find((agency) => agency.id === actor.agencyId) ?? null;
    reply.header('cache-control', 'no-store');
    try {
      return reply.view('register/developers', developersPage(lang, input, options, ownAgency, await this.register.page(actor, raw, options, lang)));
    } catch (error) {
      if (!(error instanceof FieldErrors)) throw error;
      return reply.status(HttpStatus.BAD_REQUEST).view('register/developers', developersPage(lang, input, options, ownAgency, { errors: translateFields(error.fields, lang) }));
    }
  }

  @Get('developers.csv')
  async csv(@Query() query: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const filter = await this.register.csvFilter(queryOf(query), lang);
    const { agencyName, rows } = await this.register.csvRows(actor, filter, lang);
    return sendSpreadsheet(reply, agencyName, registerCsv(rows, lang), 'register');
  }
}
