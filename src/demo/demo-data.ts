// The demo platform a new user meets: the four coaching programmes of the state developers' network,
// their rounds in 2027, the agencies their participants come from, the people and who takes part in
// which round. What they have written in the channels is in fixtures/discussions.json, read by
// demo-discussions.ts.
import { ATTENDANCE_QUESTION, DIET_QUESTION } from '../calendar/registration-questions';
import { Language } from '../i18n/i18n';
import { addHelsinkiDays, fromHelsinki, shiftInHelsinki, toHelsinki } from '../i18n/helsinki-time';
import { isDayOff } from '../catalogue/finnish-holidays';
import { NewProgramme } from '../catalogue/programmes.service';
import { CohortInput, SessionInput } from '../catalogue/scheduling.rules';
import type { NetworkEventInput } from '../calendar/network-events.service';
import { Recipient } from '../notifications/notifications.service';

export const DEMO_AGENCIES = [
  'Valtiokonttori',
  'Verohallinto',
  'Maanmittauslaitos',
  'Tilastokeskus',
  'Traficom',
  'Poliisihallitus',
  'Maahanmuuttovirasto',
  'Opetushallitus',
  'Ruokavirasto',
  'Väylävirasto',
  'Digi- ja väestötietovirasto',
  'Tulli',
];

export const DEMO_MAIL_RECIPIENTS: Recipient[] = [
  { email: 'ohjelmatiimi@valtiokonttori.fi', name: 'Ohjelmatiimi', language: 'fi' },
  { email: 'asa.ostrom@tulli.fi', name: 'Åsa Öström', language: 'sv' },
];

export const DEMO_PROGRAMMES: NewProgramme[] = [
  {
    slug: 'kompleksisuus-ja-systeemiajattelu',
    theme: 'complexity',
    position: 1,
    title: {
      fi: 'Kompleksisuus ja systeemiajattelu',
      sv: 'Komplexitet och systemtänkande',
      en: 'Complexity and systems thinking',
    },
    summary: {
      fi: 'Kolmen päivän valmennus kompleksisuusajatteluun ja systeemiseen kehittämiseen. Kaksi ryhmää vuodessa, keväällä ja syksyllä, 20 osallistujaa eri virastoista.',
      sv: 'Tre dagars coachning i komplexitetstänkande och systemisk utveckling. Två grupper per år, på våren och hösten, 20 deltagare från olika myndigheter.',
      en: 'Three days of coaching in complexity thinking and systemic development. Two groups a year, in spring and autumn, 20 participants from different agencies.',
    },
    description: {
      fi: 'Valtionhallinnossa on käynnissä monta mittavaa, limittäistä muutosta. Valmennuksessa syvennetään keskeisiä metataitoja: miten toimia, kun syy ja seuraus näkyvät vasta jälkikäteen, ja miten rakenteet ja yhteydet vaikuttavat siihen, mitä yksilöt ja ryhmät voivat tehdä.\n\nOsallistujat tutkivat työn muutosta yhdessä toisten virastojen asiantuntijoiden kanssa ja etsivät ketterämpiä ja vaikuttavampia tapoja toimia sekä virastojen sisällä että ennen kaikkea niiden välillä.\n\nRyhmä kokoontuu kolmena valmennuspäivänä (klo 9–16). Ryhmiä on kaksi vuodessa: yksi keväällä ja yksi syksyllä, kumpaankin 20 osallistujaa eri virastoista.',
      sv: 'Statsförvaltningen genomgår flera stora förändringar som löper om varandra. Programmet fördjupar centrala metafärdigheter: hur man agerar när orsak och verkan syns först i efterhand, och hur strukturer och samband påverkar vad individer och grupper kan göra.\n\nGruppen träffas tre coachningsdagar (kl. 9–16). Två grupper per år, en på våren och en på hösten, med 20 deltagare från olika myndigheter.',
      en: 'Central government is going through many large, overlapping changes. The programme deepens key meta-skills: how to act when cause and effect show only in hindsight, and how structures and connections shape what individuals and groups can do.\n\nThe group meets on three coaching days (9:00–16:00). There are two groups a year, one in spring and one in autumn, each with 20 participants from different agencies.',
    },
  },
  {
    slug: 'dialogisuus-yhteiskehittelyssa',
    theme: 'dialogue',
    position: 2,
    title: {
      fi: 'Dialogisuus yhteiskehittelyssä ja toimintakulttuurin uudistamisessa',
      sv: 'Dialog i samutveckling och i förnyelsen av verksamhetskulturen',
      en: 'Dialogue in co-development and in renewing work culture',
    },
    summary: {
      fi: 'Dialogisia menetelmiä yhteiskehittelyyn ja toimintakulttuurin uudistamiseen. Noin kolme live-prosessia vuodessa sekä yksi tai kaksi etävalmennusta.',
      sv: 'Dialogiska metoder för samutveckling och förnyelse av verksamhetskulturen. Cirka tre processer på plats per år och en eller två coachningar på distans.',
      en: 'Dialogic methods for co-development and for renewing work culture. About three live processes a year and one or two remote coaching programmes.',
    },
    description: {
      fi: 'Dialogisuus on vuorovaikutuksen laatua: kuuntelemista, ajattelemista yhdessä ja erilaisten näkökulmien esiin tuomista. Valmennuksessa harjoitellaan dialogisia menetelmiä, joilla kehittämiseen osallistuvat kaikki eivätkä vain harvat puhujat.\n\nVuoden aikana toteutetaan noin kolme live-prosessia ja yksi tai kaksi verkossa tapahtuvaa valmennuskokonaisuutta. Fasilitoinnista vastaa ohjelmatiimi yhdessä muiden valtiolla toimivien dialogiosaajien kanssa.',
      sv: 'Dialog handlar om kvaliteten i växelverkan: att lyssna, tänka tillsammans och lyfta fram olika perspektiv. Under året genomförs cirka tre processer på plats och en eller två coachningshelheter på distans.',
      en: 'Dialogue is the quality of interaction: listening, thinking together and bringing different views into the open. Each year there are about three live processes and one or two online coaching programmes, facilitated by the programme team with other dialogue practitioners in the state.',
    },
  },
  {
    slug: 'ennakointi-osana-organisaation-toimintaa',
    theme: 'foresight',
    position: 3,
    title: {
      fi: 'Ennakointi osana organisaation toimintaa',
      sv: 'Framsyn som en del av organisationens verksamhet',
      en: 'Foresight as part of an organisation’s work',
    },
    summary: {
      fi: 'Ajattelutapa ja työkaluja ennakointiin virastoissa. Neljä tilaisuutta yhteistyössä tiedolla johtamisen asiantuntijoiden kanssa; aloitus touko–kesäkuussa.',
      sv: 'Ett sätt att tänka och verktyg för framsyn i myndigheterna. Fyra tillfällen i samarbete med experter på kunskapsledning; start i maj–juni.',
      en: 'A way of thinking and tools for foresight in agencies. Four events with knowledge-management experts; starts in May–June.',
    },
    description: {
      fi: 'Ennakointi auttaa virastoa näkemään muutoksia ajoissa ja tekemään valintoja, jotka kestävät erilaisissa tulevaisuuksissa. Ohjelmassa opitaan ennakoivaa ajattelutapaa ja käytännön työkaluja, joita voi viedä oman organisaation arkeen.\n\nOhjelma muodostuu neljästä tilaisuudesta, jotka toteutetaan yhteistyössä tiedolla johtamisen asiantuntijoiden kanssa. Ensimmäinen tilaisuus on touko–kesäkuussa.',
      sv: 'Framsyn hjälper myndigheten att se förändringar i tid och göra val som håller i olika framtider. Programmet består av fyra tillfällen i samarbete med experter på kunskapsledning.',
      en: 'Foresight helps an agency see change coming and make choices that hold up in different futures. The programme consists of four events run together with knowledge-management experts; the first is in May–June.',
    },
  },
  {
    slug: 'valmentava-johtajuus',
    theme: 'leadership',
    position: 4,
    title: {
      fi: 'Valmentava johtajuus',
      sv: 'Coachande ledarskap',
      en: 'Coaching leadership',
    },
    summary: {
      fi: 'Valmennusta uusien johtamisen työkalujen – 360-palautteen ja kehityskeskustelukonseptin – taustafilosofiaan. Useita ryhmiä vuodessa (4 × 20 henkeä), ensimmäinen jakso keväällä.',
      sv: 'Coachning i filosofin bakom nya ledarskapsverktyg – 360-feedback och ett koncept för utvecklingssamtal. Flera grupper per år (4 × 20 personer), första perioden på våren.',
      en: 'Coaching in the philosophy behind new leadership tools – 360 feedback and a development-discussion concept. Several groups a year (4 × 20 people); the first period is in spring.',
    },
    description: {
      fi: 'Valmentava johtajuus tukee esihenkilöitä ottamaan käyttöön uusia työkaluja: 360-palautteen ja kehityskeskustelukonseptin. Valmennuksessa perehdytään työkalujen taustafilosofiaan, jotta niitä käytetään keskustelun ja kasvun välineinä eikä pelkkinä lomakkeina.\n\nValmennustilaisuuksia on useita vuoden aikana, neljä 20 hengen ryhmää. Ensimmäinen jakso alkaa keväällä.',
      sv: 'Coachande ledarskap stöder chefer att ta i bruk nya verktyg: 360-feedback och ett koncept för utvecklingssamtal. Under året ordnas fyra grupper med 20 personer; den första perioden börjar på våren.',
      en: 'Coaching leadership helps supervisors adopt new tools: 360 feedback and a development-discussion concept. The coaching goes into the philosophy behind the tools, so that they serve conversation and growth rather than forms. There are four groups of 20 a year; the first period starts in spring.',
    },
  },
];

/** The demo's sign-in password (README shows it); never used outside the demo. */
export const DEMO_PASSWORD = 'Kevät-ryhmä-2027';

/** The programme team's coach, who runs every demo programme and most of its rounds. */
export const DEMO_FACILITATOR = 'sanna.jarvinen@valtiokonttori.fi';

/**
 * Demo accounts: the programme team's admin and coach, and participants from different agencies.
 * Aino reads the network channels in one digest at 16.00 (her own hour), as a participant who
 * wants her round's talk at once and the rest once a day.
 */
export const DEMO_USERS: { email: string; displayName: string; agency: string; language: Language; admin?: boolean; networkDigestHour?: number }[] = [
  { email: 'maija.aijala@valtiokonttori.fi', displayName: 'Maija Äijälä', agency: 'Valtiokonttori', language: 'fi', admin: true },
  { email: DEMO_FACILITATOR, displayName: 'Sanna Järvinen', agency: 'Valtiokonttori', language: 'fi' },
  { email: 'aino.virtanen@verohallinto.fi', displayName: 'Aino Virtanen', agency: 'Verohallinto', language: 'fi', networkDigestHour: 16 },
  { email: 'asa.ostrom@tulli.fi', displayName: 'Åsa Öström', agency: 'Tulli', language: 'sv' },
  { email: 'oskar.ohman@maanmittauslaitos.fi', displayName: 'Oskar Öhman', agency: 'Maanmittauslaitos', language: 'sv' },
  { email: 'emma.laine@traficom.fi', displayName: 'Emma Laine', agency: 'Traficom', language: 'en' },
  { email: 'juha.makela@tilastokeskus.fi', displayName: 'Juha Mäkelä', agency: 'Tilastokeskus', language: 'fi' },
  { email: 'riikka.hakkinen@poliisi.fi', displayName: 'Riikka Häkkinen', agency: 'Poliisihallitus', language: 'fi' },
  { email: 'mikko.nieminen@vayla.fi', displayName: 'Mikko Nieminen', agency: 'Väylävirasto', language: 'fi' },
  { email: 'liisa.karkkainen@oph.fi', displayName: 'Liisa Kärkkäinen', agency: 'Opetushallitus', language: 'fi' },
  { email: 'henrik.aberg@dvv.fi', displayName: 'Henrik Åberg', agency: 'Digi- ja väestötietovirasto', language: 'sv' },
  { email: 'tuula.lehtonen@ruokavirasto.fi', displayName: 'Tuula Lehtonen', agency: 'Ruokavirasto', language: 'fi' },
  { email: 'antti.heikkila@migri.fi', displayName: 'Antti Heikkilä', agency: 'Maahanmuuttovirasto', language: 'fi' },
];

/** A Helsinki wall-clock time: `at(2027, 3, 16, 9)` is 16.3.2027 at 9.00. */
function at(year: number, month: number, day: number, hour = 9, minute = 0): Date {
  return fromHelsinki({ year, month, day, hour, minute });
}

/** Sessions on the given [year, month, day] dates, each from `from` to `to` o'clock (Helsinki). */
function sessions(from: number, to: number, days: [number, number, number][], agendas: string[] = []): SessionInput[] {
  return days.map(([year, month, day], i) => ({ startsAt: at(year, month, day, from), endsAt: at(year, month, day, to), agenda: agendas[i] ?? null }));
}

const VALTIOKONTTORI = 'Valtiokonttori, Sörnäisten rantatie 13, Helsinki';

const COHORT_DEFAULTS: Omit<CohortInput, 'enrolmentOpensAt' | 'enrolmentClosesAt' | 'cancellationDeadline'> = {
  capacity: 20,
  agencySeatCap: null,
  requiresApproval: false,
  deliveryMode: 'on_site',
  place: null,
  meetingLink: null,
  facilitatorEmails: [DEMO_FACILITATOR],
};

/**
 * The 2027 rounds, published: spring rounds meet in March–May and autumn ones in
 * September–November, on working days, 9–16 on site or 13–15 online. The complexity programme's
 * spring enrolment is open from November 2026; the others open in January 2027 or later.
 */
export const DEMO_COHORTS: { programmeSlug: string; round: CohortInput & { sessions: SessionInput[] } }[] = [
  {
    programmeSlug: 'kompleksisuus-ja-systeemiajattelu',
    round: {
      ...COHORT_DEFAULTS,
      name: 'Kevät 2027',
      agencySeatCap: 3,
      enrolmentOpensAt: at(2026, 11, 2, 9),
      enrolmentClosesAt: at(2027, 2, 14, 23, 59),
      cancellationDeadline: at(2027, 3, 1, 16),
      place: VALTIOKONTTORI,
      sessions: sessions(9, 16, [[2027, 3, 16], [2027, 4, 13], [2027, 5, 11]], [
        '**Kompleksisuuden perusteet.** Milloin syy ja seuraus näkyvät vasta jälkikäteen? Cynefin-kehikko ja oman työn tilanteet.',
        '**Systeemiajattelu käytännössä.** Rakenteet, yhteydet ja takaisinkytkennät: kuvataan oman viraston ilmiö systeemikarttana.',
        '**Kokeilut ja oppiminen.** Turvalliset kokeilut monimutkaisessa ympäristössä ja seuraavat askeleet omassa virastossa.',
      ]),
    },
  },
  {
    programmeSlug: 'kompleksisuus-ja-systeemiajattelu',
    round: {
      ...COHORT_DEFAULTS,
      name: 'Syksy 2027',
      agencySeatCap: 3,
      enrolmentOpensAt: at(2027, 5, 3, 9),
      enrolmentClosesAt: at(2027, 8, 15, 23, 59),
      cancellationDeadline: at(2027, 8, 31, 16),
      place: VALTIOKONTTORI,
      sessions: sessions(9, 16, [[2027, 9, 14], [2027, 10, 12], [2027, 11, 9]]),
    },
  },
  {
    programmeSlug: 'dialogisuus-yhteiskehittelyssa',
    round: {
      ...COHORT_DEFAULTS,
      name: 'Kevät 2027 – verkossa',
      capacity: 24,
      deliveryMode: 'online',
      meetingLink: 'https://verkkotapaaminen.example/verso/dialogi-kevat-2027',
      enrolmentOpensAt: at(2027, 1, 4, 9),
      enrolmentClosesAt: at(2027, 1, 31, 23, 59),
      cancellationDeadline: null,
      sessions: sessions(13, 15, [[2027, 2, 10], [2027, 3, 10], [2027, 4, 7], [2027, 5, 5]], [
        '**Mitä dialogi on?** Kuunteleminen, ajatteleminen yhdessä ja oman näkökulman tuominen esiin.',
        '**Dialogiset menetelmät.** Kokeillaan menetelmää, jossa kaikki osallistuvat eivätkä vain harvat puhujat.',
        '**Dialogi yhteiskehittelyssä.** Oman viraston kehittämistilanteen suunnittelu pienryhmissä.',
        '**Toimintakulttuurin uudistaminen.** Kokemukset kokeiluista ja jatko.',
      ]),
    },
  },
  {
    programmeSlug: 'ennakointi-osana-organisaation-toimintaa',
    round: {
      ...COHORT_DEFAULTS,
      name: 'Kevät 2027',
      requiresApproval: true,
      deliveryMode: 'hybrid',
      place: 'Tilastokeskus, Työpajankatu 13, Helsinki',
      meetingLink: 'https://verkkotapaaminen.example/verso/ennakointi-2027',
      enrolmentOpensAt: at(2027, 1, 11, 9),
      enrolmentClosesAt: at(2027, 4, 30, 16),
      cancellationDeadline: at(2027, 5, 14, 16),
      sessions: sessions(9, 16, [[2027, 5, 25], [2027, 6, 15], [2027, 8, 24], [2027, 9, 21]]),
    },
  },
  {
    programmeSlug: 'valmentava-johtajuus',
    round: {
      ...COHORT_DEFAULTS,
      name: 'Kevät 2027 – ryhmä 1',
      requiresApproval: true,
      agencySeatCap: 4,
      place: VALTIOKONTTORI,
      enrolmentOpensAt: at(2027, 1, 11, 9),
      enrolmentClosesAt: at(2027, 2, 21, 23, 59),
      cancellationDeadline: at(2027, 2, 28, 16),
      sessions: sessions(9, 16, [[2027, 3, 11], [2027, 4, 8], [2027, 5, 20]], [
        '**360-palaute.** Palautteen taustafilosofia: miksi ja miten palautetta pyydetään ja annetaan.',
        '**Kehityskeskustelu.** Keskustelukonsepti valmentavan johtamisen välineenä.',
        '**Oma johtamisen kokeilu.** Kokemukset ja vertaisvalmennus.',
      ]),
    },
  },
  {
    programmeSlug: 'valmentava-johtajuus',
    round: {
      ...COHORT_DEFAULTS,
      name: 'Kevät 2027 – ryhmä 2',
      requiresApproval: true,
      agencySeatCap: 4,
      deliveryMode: 'online',
      meetingLink: 'https://verkkotapaaminen.example/verso/valmentava-johtajuus-ryhma-2',
      enrolmentOpensAt: at(2027, 1, 11, 9),
      enrolmentClosesAt: at(2027, 2, 21, 23, 59),
      cancellationDeadline: at(2027, 2, 28, 16),
      sessions: sessions(13, 15, [[2027, 3, 18], [2027, 4, 15], [2027, 5, 12], [2027, 6, 9]]),
    },
  },
];

/**
 * The developers' network's own events of 2027: the spring and autumn developer days
 * (kehittäjäpäivät), Thursdays 9–16, in spring on site and in autumn online.
 */
export const DEMO_NETWORK_EVENTS: NetworkEventInput[] = [
  {
    title: { fi: 'Kevään kehittäjäpäivä 2027', sv: 'Vårens utvecklardag 2027', en: 'Spring developer day 2027' },
    description: {
      fi: 'Koko kehittäjäverkoston yhteinen päivä: kuulumiset virastoista, **työpajoja yhteiskehittelystä** ja aikaa verkostoitua. Päivä on maksuton ja avoin kaikille valtion kehittäjille.',
      sv: 'En gemensam dag för hela utvecklarnätverket: nytt från myndigheterna, **workshoppar i samutveckling** och tid att nätverka. Dagen är avgiftsfri och öppen för alla utvecklare inom staten.',
      en: 'A day for the whole developers’ network: news from the agencies, **co-development workshops** and time to meet each other. Free and open to all developers in central government.',
    },
    startsAt: at(2027, 5, 20, 9),
    endsAt: at(2027, 5, 20, 16),
    place: VALTIOKONTTORI,
    meetingLink: null,
  },
  {
    title: { fi: 'Syksyn kehittäjäpäivä 2027', sv: 'Höstens utvecklardag 2027', en: 'Autumn developer day 2027' },
    description: {
      fi: 'Syksyn kehittäjäpäivä pidetään verkossa. Ohjelmassa vuoden valmennusten kokemukset, **ennakointia** ja pienryhmäkeskusteluja. Linkki toimii koko päivän.',
      sv: 'Höstens utvecklardag ordnas på distans. På programmet står erfarenheter från årets coachningar, **framsyn** och diskussioner i små grupper. Länken fungerar hela dagen.',
      en: 'The autumn developer day is held online: experiences from the year’s coaching, **foresight** and small-group discussions. The link works all day.',
    },
    startsAt: at(2027, 11, 18, 9),
    endsAt: at(2027, 11, 18, 16),
    place: null,
    meetingLink: 'https://verkkotapaaminen.example/verso/kehittajapaiva-syksy-2027',
    // Takes registrations: seats for the breakout groups, until a week before.
    registration: { capacity: 150, closesAt: at(2027, 11, 11, 16), questions: [DIET_QUESTION, ATTENDANCE_QUESTION] },
  },
];

/**
 * Who the programme team has placed in each demo round (confirmed, as an admin enrols people: no
 * window or approval, the seat rules hold), so that the rounds' forums have people talking. Mixed
 * agencies in every round, as the programmes intend.
 */
export const DEMO_ENROLMENTS: { programmeSlug: string; round: string; participants: string[] }[] = [
  {
    programmeSlug: 'kompleksisuus-ja-systeemiajattelu',
    round: 'Kevät 2027',
    participants: [
      'aino.virtanen@verohallinto.fi',
      'asa.ostrom@tulli.fi',
      'juha.makela@tilastokeskus.fi',
      'riikka.hakkinen@poliisi.fi',
      'mikko.nieminen@vayla.fi',
      'emma.laine@traficom.fi',
    ],
  },
  { programmeSlug: 'kompleksisuus-ja-systeemiajattelu', round: 'Syksy 2027', participants: ['liisa.karkkainen@oph.fi', 'henrik.aberg@dvv.fi', 'antti.heikkila@migri.fi'] },
  {
    programmeSlug: 'dialogisuus-yhteiskehittelyssa',
    round: 'Kevät 2027 – verkossa',
    participants: ['oskar.ohman@maanmittauslaitos.fi', 'liisa.karkkainen@oph.fi', 'henrik.aberg@dvv.fi', 'tuula.lehtonen@ruokavirasto.fi', 'aino.virtanen@verohallinto.fi'],
  },
  {
    programmeSlug: 'ennakointi-osana-organisaation-toimintaa',
    round: 'Kevät 2027',
    participants: ['juha.makela@tilastokeskus.fi', 'emma.laine@traficom.fi', 'henrik.aberg@dvv.fi', 'antti.heikkila@migri.fi'],
  },
  { programmeSlug: 'valmentava-johtajuus', round: 'Kevät 2027 – ryhmä 1', participants: ['riikka.hakkinen@poliisi.fi', 'mikko.nieminen@vayla.fi', 'oskar.ohman@maanmittauslaitos.fi'] },
  { programmeSlug: 'valmentava-johtajuus', round: 'Kevät 2027 – ryhmä 2', participants: ['tuula.lehtonen@ruokavirasto.fi', 'antti.heikkila@migri.fi', 'asa.ostrom@tulli.fi'] },
];

/**
 * A round that has just ended, so that a new user meets what follows a round (issue 18): its last
 * session ended two working days before the demo was seeded, the two before it four and eight weeks
 * earlier. The feedback survey opens from it, and its attendance proposes the completions Sanna
 * confirms. Mikko missed the second day, so under the round's rule (every session) he is not proposed.
 */
export const DEMO_RECENT_ROUND = {
  programmeSlug: 'ennakointi-osana-organisaation-toimintaa',
  participants: [
    'aino.virtanen@verohallinto.fi',
    'asa.ostrom@tulli.fi',
    'liisa.karkkainen@oph.fi',
    'riikka.hakkinen@poliisi.fi',
    'mikko.nieminen@vayla.fi',
    'tuula.lehtonen@ruokavirasto.fi',
    'oskar.ohman@maanmittauslaitos.fi',
  ],
  /** Session numbers (0-based) a participant missed. */
  absences: { 'mikko.nieminen@vayla.fi': [1] } as Record<string, number[]>,
};

/** The recent round's input relative to `now`: sessions 9–16 on working days, named by its term ("Syksy 2026"). */
export function recentRoundInput(now: Date, name: (firstSessionStart: Date) => string): CohortInput & { sessions: SessionInput[] } {
  // Each session on a working day: back from two days ago, and from four and eight weeks before that.
  const workingDayFrom = (instant: Date) => {
    while (isDayOff(toHelsinki(instant))) instant = addHelsinkiDays(instant, -1);
    const { year, month, day } = toHelsinki(instant);
    return fromHelsinki({ year, month, day, hour: 9, minute: 0 });
  };
  const lastStart = workingDayFrom(addHelsinkiDays(now, -2));
  const starts = [workingDayFrom(shiftInHelsinki(lastStart, -8, 'weeks')), workingDayFrom(shiftInHelsinki(lastStart, -4, 'weeks')), lastStart];
  return {
    ...COHORT_DEFAULTS,
    name: name(starts[0]),
    enrolmentOpensAt: shiftInHelsinki(starts[0], -4, 'months'),
    enrolmentClosesAt: addHelsinkiDays(starts[0], -21),
    cancellationDeadline: addHelsinkiDays(starts[0], -14),
    place: VALTIOKONTTORI,
    sessions: starts.map((startsAt, i) => ({
      startsAt,
      // 9–16 on the same day (no clock change falls inside a working day).
      endsAt: new Date(startsAt.getTime() + 7 * 60 * 60 * 1000),
      agenda: [
        '**Ennakoinnin perusteet.** Heikot signaalit ja megatrendit oman viraston työssä.',
        '**Skenaariot.** Rakennetaan kolme vaihtoehtoista tulevaisuutta ja niiden seuraukset.',
        '**Ennakointi arjessa.** Miten ennakointi liitetään strategiaan ja suunnitteluun.',
      ][i],
    })),
  };
}
