// /search: the one search box's page, for anyone. A guest finds what anyone may see (programmes,
// rounds, events…), a signed-in person also the discussions they may read: each kind's source
// decides (search-sources.ts). Without `q` it is the empty form; a question that cannot be searched
// for is the form again, 400, with the message next to the field and what was typed kept.
import { Controller, Get, HttpStatus, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { Public } from '../access/access.decorator';
import { Actor } from '../access/capabilities';
import { Viewer } from '../access/current-actor';
import { FieldErrors } from '../errors/domain-errors';
import { Language } from '../i18n/i18n';
import { fieldText, translateFields } from '../web/forms';
import { Lang } from '../web/language';
import { SearchService } from './search.service';
import { SearchAsked, searchPage } from './search.view';

@ApiExcludeController()
@Controller()
export class SearchController {
  constructor(private readonly search: SearchService) {}

  @Get('search')
  @Public()
  async page(@Query() query: unknown, @Viewer() viewer: Actor | null, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const field = (name: string) => fieldText(query, name);
    const asked: SearchAsked = { q: field('q'), kind: field('kind'), channel: field('channel'), programme: field('programme'), author: field('author'), from: field('from'), to: field('to') };
    const raw = (query && typeof query === 'object' ? query : {}) as Record<string, unknown>;
    if (!('q' in raw)) return reply.view('search/search', searchPage(lang, asked));
    try {
      const answer = await this.search.search(viewer, raw.q, lang, raw, field('cursor') || null);
      return reply.view('search/search', searchPage(lang, asked, { answer }));
    } catch (error) {
      if (!(error instanceof FieldErrors)) throw error;
      return reply.status(HttpStatus.BAD_REQUEST).view('search/search', searchPage(lang, asked, { errors: translateFields(error.fields, lang) }));
    }
  }
}
