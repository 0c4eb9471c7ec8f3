// Survey results as pages and CSV files: a round's feedback for those who run the round (the round's
// facilitators and admins: SurveyResultsService asks enrolment's rule, so anyone else gets 403 and an
// unknown round 404), and the site's open feedback form for admins. Neither page changes anything.
import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { Requires, SignedIn } from '../access/access.decorator';
import { Actor, Capability } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { cohortNameIn } from '../i18n/cohort-name';
import { Language } from '../i18n/i18n';
import { Lang } from '../web/language';
import { SurveyResults, SurveyResultsService } from './survey-results.service';
import { resultsCsv, resultsFileName, resultsPage } from './survey-results.view';
import { sendSpreadsheet } from '../web/spreadsheet';

/** Every answer of the CSV, not only the newest shown on the page. */
const ALL_TEXTS = 1_000_000;

function sendCsv(reply: FastifyReply, results: SurveyResults, lang: Language) {
  return sendSpreadsheet(reply, resultsFileName(results, lang), resultsCsv(results, lang), 'results');
}

@ApiExcludeController()
@SignedIn()
@Controller('cohorts/:id/feedback')
export class CohortSurveyResultsController {
  constructor(private readonly results: SurveyResultsService) {}

  @Get('results')
  async page(@Param('id') id: string, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const results = await this.results.forCohort(actor, id, lang);
    const back = { href: `/cohorts/${results.cohort!.id}`, label: cohortNameIn(results.cohort!.name, lang) };
    return reply.header('cache-control', 'no-store').view('feedback/results', resultsPage(results, lang, { csv: `/cohorts/${results.cohort!.id}/feedback/results.csv`, back }));
  }

  @Get('results.csv')
  async csv(@Param('id') id: string, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    return sendCsv(reply, await this.results.forCohort(actor, id, lang, ALL_TEXTS), lang);
  }
}

@ApiExcludeController()
@Requires(Capability.ProgrammeManage)
@Controller('admin/feedback')
export class SiteSurveyResultsController {
  constructor(private readonly results: SurveyResultsService) {}

  @Get('results')
  async page(@Lang() lang: Language, @Res() reply: FastifyReply) {
    return reply.header('cache-control', 'no-store').view('feedback/results', resultsPage(await this.results.forSite(lang), lang, { csv: '/admin/feedback/results.csv', back: null }));
  }

  @Get('results.csv')
  async csv(@Lang() lang: Language, @Res() reply: FastifyReply) {
    return sendCsv(reply, await this.results.forSite(lang, ALL_TEXTS), lang);
  }
}
