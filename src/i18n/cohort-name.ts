// A round's name in the reader's language. A round scheduled without a name of its own is named
// after its term in Finnish ("Kevät 2027"), and the programme team adds the usual parts by hand
// ("Kevät 2027 – ryhmä 1", "Kevät 2027 – verkossa"). Those parts are translated; anything else in
// a name is the team's own wording and is shown as written. Here, not in the catalogue, because
// mail (notifications) renders names too and must not depend on an area.
import { Language, translate } from './i18n';

/** The parts of a name, between " – " (or " - ") and ", ". */
const SEPARATOR = /(\s+[–—-]\s+|,\s+)/;
const TERM = /^(kevät|syksy)\s+(\d{4})$/i;
const GROUP = /^ryhmä\s+(\d{1,3})$/i;
const ONLINE = /^verkossa$/i;

const HALF: Record<string, 'spring' | 'autumn'> = { kevät: 'spring', syksy: 'autumn' };

/**
 * `cohortNameIn('Kevät 2027 – ryhmä 1', 'sv')` → "Våren 2027 – grupp 1". Inside a sentence
 * (`inSentence`, as in "…systeemiajattelu, kevät 2027") a term at the start is written in lower case.
 */
export function cohortNameIn(name: string, lang: Language, options: { inSentence?: boolean } = {}): string {
  return name
    .split(SEPARATOR)
    .map((part, index) => {
      if (index % 2 === 1) return part;
      const term = TERM.exec(part);
      if (term) {
        const label = translate(lang, `term.${HALF[term[1].toLowerCase()]}`, { year: term[2] });
        return options.inSentence && index === 0 ? label.charAt(0).toLocaleLowerCase(lang) + label.slice(1) : label;
      }
      const group = GROUP.exec(part);
      if (group) return translate(lang, 'round.group', { number: group[1] });
      if (ONLINE.test(part)) return translate(lang, 'round.online');
      return part;
    })
    .join('');
}

/** The programme and the round, as a mail subject names them: "Kompleksisuus ja systeemiajattelu, kevät 2027". */
export function programmeAndCohort(programmeTitle: unknown, cohortName: unknown, lang: Language): string {
  const cohort = typeof cohortName === 'string' ? cohortNameIn(cohortName, lang, { inSentence: true }) : '';
  if (typeof programmeTitle !== 'string' || !programmeTitle) return cohort;
  return cohort ? `${programmeTitle}, ${cohort}` : programmeTitle;
}
