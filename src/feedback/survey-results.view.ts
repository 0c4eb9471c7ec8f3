// What a survey's results page shows (views/feedback/results.hbs): the response count and rate, whether
// the answers were anonymous, and per question a chart (survey-chart.ts) with the same numbers as a
// table; scale questions also by agency and against earlier rounds; text answers listed. And the
// results as a CSV file: the counts per question and answer, the means, and the text answers, without
// names (a named survey's results do not show who answered what either).
import { spreadsheetCell, spreadsheetCsv } from '../web/spreadsheet';
import { formatDate } from '../i18n/dates';
import { cohortNameIn } from '../i18n/cohort-name';
import { Language, LOCALES, translate } from '../i18n/i18n';
import { barChart } from './survey-chart';
import { AgencyGroup, MIN_GROUP, QuestionResult, SurveyResults } from './survey-results.service';

const oneDecimal = new Map<Language, Intl.NumberFormat>();
/** 4.25 → "4,3" in Finnish and Swedish, "4.3" in English; null → "–". */
export function formatMean(value: number | null, lang: Language): string {
  if (value === null) return '–';
  if (!oneDecimal.has(lang)) oneDecimal.set(lang, new Intl.NumberFormat(LOCALES[lang], { minimumFractionDigits: 1, maximumFractionDigits: 1 }));
  return oneDecimal.get(lang)!.format(value);
}

const percent = new Map<Language, Intl.NumberFormat>();
/** 0.857 → "86 %" (fi, sv) / "86%" (en). */
function formatShare(value: number, lang: Language): string {
  if (!percent.has(lang)) percent.set(lang, new Intl.NumberFormat(LOCALES[lang], { style: 'percent', maximumFractionDigits: 0 }));
  return percent.get(lang)!.format(value);
}

const agencyLabel = (group: AgencyGroup, lang: Language) =>
  group.other ? translate(lang, 'feedbackResults.agency.other', { min: MIN_GROUP }) : (group.agency ?? translate(lang, 'feedbackResults.agency.none'));

/** A scale point as shown: "4" or "4 – Melko hyvin". */
const pointLabel = (point: number, label: string) => (label ? `${point} – ${label}` : String(point));

function questionView(question: QuestionResult, lang: Language) {
  const idPrefix = `q${question.position}`;
  const heading = `${question.position}. ${question.prompt}`;
  const base = {
    id: idPrefix,
    heading,
    kindLabel: translate(lang, `feedbackResults.kind.${question.kind}`),
    answered: translate(lang, 'feedbackResults.answered', { count: question.answered }),
    scale: null as unknown,
    choices: null as unknown,
    texts: null as unknown,
  };
  if (question.scale) {
    const scale = question.scale;
    const bars = scale.counts.map((count, i) => ({ label: pointLabel(i + 1, scale.labels[i]), count }));
    const mean = formatMean(scale.mean, lang);
    const desc = translate(lang, 'feedbackResults.chart.scaleDesc', {
      count: question.answered,
      mean,
      points: bars.map((bar) => `${bar.label}: ${bar.count}`).join('; '),
    });
    base.scale = {
      mean,
      meanText: translate(lang, 'feedbackResults.mean', { mean }),
      chart: barChart(idPrefix, heading, desc, bars),
      rows: bars,
      tableCaption: translate(lang, 'feedbackResults.table.distribution', { question: heading }),
      byAgency: scale.byAgency.length
        ? {
            caption: translate(lang, 'feedbackResults.agency.caption', { question: heading }),
            rows: scale.byAgency.map((group) => ({ label: agencyLabel(group, lang), count: group.count, mean: formatMean(group.mean, lang), other: group.other })),
          }
        : null,
      comparison: scale.comparison.length
        ? {
            caption: translate(lang, 'feedbackResults.comparison.caption', { question: heading }),
            rows: scale.comparison.map((round) => ({
              name: cohortNameIn(round.name, lang),
              starts: formatDate(round.startsAt, lang, 'date'),
              count: round.count,
              mean: formatMean(round.mean, lang),
              current: round.current,
            })),
          }
        : null,
    };
  } else if (question.choices) {
    const bars = question.choices;
    const desc = translate(lang, 'feedbackResults.chart.choiceDesc', { count: question.answered, options: bars.map((bar) => `${bar.label}: ${bar.count}`).join('; ') });
    base.choices = {
      chart: barChart(idPrefix, heading, desc, bars),
      rows: bars,
      tableCaption: translate(lang, 'feedbackResults.table.choices', { question: heading }),
      multiple: question.kind === 'multiple_choice',
    };
  } else {
    const texts = question.texts ?? [];
    base.texts = {
      items: texts.map((item) => ({ text: item.text, at: formatDate(item.submittedAt, lang, 'date') })),
      more: question.answered > texts.length ? translate(lang, 'feedbackResults.texts.more', { count: question.answered - texts.length }) : null,
    };
  }
  return base;
}

/** The results page's model. */
export function resultsPage(results: SurveyResults, lang: Language, hrefs: { csv: string; back: { href: string; label: string } | null }) {
  const { survey, cohort } = results;
  const rate = results.invited ? results.responses / results.invited : null;
  const subject = cohort ? cohortNameIn(cohort.name, lang) : translate(lang, 'feedbackResults.site');
  return {
    title: translate(lang, 'feedbackResults.title', { subject }),
    lead: cohort ? cohort.programmeTitle : null,
    back: hrefs.back,
    survey: survey
      ? {
          title: survey.title,
          anonymity: translate(lang, survey.anonymous ? 'feedbackResults.anonymous' : 'feedbackResults.named'),
          opensAt: survey.opensAt ? formatDate(survey.opensAt, lang, 'dateTime') : null,
          closesAt: survey.closesAt ? formatDate(survey.closesAt, lang, 'dateTime') : null,
        }
      : null,
    noSurvey: translate(lang, cohort ? 'feedbackResults.noSurvey.cohort' : 'feedbackResults.noSurvey.site'),
    responses: results.responses,
    invited: results.invited,
    rate: rate === null ? null : formatShare(rate, lang),
    csvHref: hrefs.csv,
    noResponses: survey !== null && results.responses === 0,
    questions: results.questions.map((question) => questionView(question, lang)),
  };
}

/** The results as Finnish Excel opens them: UTF-8 with a BOM, `;` between fields, a header row in the reader's language. */
export function resultsCsv(results: SurveyResults, lang: Language): string {
  const header = ['number', 'question', 'kind', 'answer', 'count', 'mean'].map((column) => translate(lang, `feedbackResults.csv.${column}`));
  const rows: string[][] = [];
  for (const question of results.questions) {
    const lead = [String(question.position), spreadsheetCell(question.prompt), translate(lang, `feedbackResults.kind.${question.kind}`)];
    if (question.scale) {
      const scale = question.scale;
      scale.counts.forEach((count, i) => rows.push([...lead, spreadsheetCell(pointLabel(i + 1, scale.labels[i])), String(count), '']));
      rows.push([...lead, translate(lang, 'feedbackResults.csv.all'), String(question.answered), scale.mean === null ? '' : formatMean(scale.mean, lang)]);
    } else if (question.choices) {
      for (const choice of question.choices) rows.push([...lead, spreadsheetCell(choice.label), String(choice.count), '']);
      rows.push([...lead, translate(lang, 'feedbackResults.csv.all'), String(question.answered), '']);
    } else {
      for (const item of question.texts ?? []) rows.push([...lead, spreadsheetCell(item.text), '', '']);
    }
  }
  return spreadsheetCsv([header, ...rows]);
}

/** The CSV's name: "palaute-Kevät 2027" (sent as "palaute-kevat-2027.csv" to clients without UTF-8 names). */
export function resultsFileName(results: SurveyResults, lang: Language): string {
  const name = results.cohort ? results.cohort.name : translate(lang, 'feedbackResults.site');
  return `${translate(lang, 'feedbackResults.csv.filePrefix')}-${name}`;
}
