// The demo platform a new user meets: the four coaching programmes of the state developers' network
// and the agencies their participants come from. Later issues add people, cohorts and posts here.
import { Language } from '../i18n/i18n';
import { NewProgramme } from '../catalogue/programmes.service';
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

/** Demo accounts: the programme team's admin and participants from different agencies. */
export const DEMO_USERS: { email: string; displayName: string; agency: string; language: Language; admin?: boolean }[] = [
  { email: 'maija.aijala@valtiokonttori.fi', displayName: 'Maija Äijälä', agency: 'Valtiokonttori', language: 'fi', admin: true },
  { email: 'aino.virtanen@verohallinto.fi', displayName: 'Aino Virtanen', agency: 'Verohallinto', language: 'fi' },
  { email: 'asa.ostrom@tulli.fi', displayName: 'Åsa Öström', agency: 'Tulli', language: 'sv' },
  { email: 'oskar.ohman@maanmittauslaitos.fi', displayName: 'Oskar Öhman', agency: 'Maanmittauslaitos', language: 'sv' },
  { email: 'emma.laine@traficom.fi', displayName: 'Emma Laine', agency: 'Traficom', language: 'en' },
];
