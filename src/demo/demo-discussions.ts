// What the demo people have written in the discussion channels: threads in the network's channels
// (general discussion, events, tools and methods), one announcement from the programme team, and in
// each demo round's forum the coach's advance reflection task (a "post first" thread: you see the
// others' answers once you have written yours) and a thread among the participants. Mostly Finnish,
// with some Swedish and English, as in the network itself.
//
// Times are relative to the day the demo is seeded, counted in Finnish working days back, so the
// channels show a spread of activity over the last weeks whenever the demo starts. The rounds
// themselves meet in 2027, so the rounds' threads are written before their first session.
import { isDayOff } from '../catalogue/finnish-holidays';
import { fromHelsinki, toHelsinki } from '../i18n/helsinki-time';
import { Language } from '../i18n/i18n';
import { DEMO_FACILITATOR } from './demo-data';

/** A moment `workdaysAgo` Finnish working days before the seeding day, at `time` (HH:MM) Helsinki. */
export interface DemoTime {
  workdaysAgo: number;
  time: string;
}

export interface DemoPost {
  /** The author's email (a DEMO_USERS person). */
  author: string;
  at: DemoTime;
  language: Language;
  /** Markdown. */
  body: string;
  /** The index of the earlier post in the same thread this one answers. */
  replyTo?: number;
}

/** A network channel by its Finnish name, or a demo round's forum. */
export type DemoChannel = { network: string } | { programmeSlug: string; round: string };

export interface DemoThread {
  channel: DemoChannel;
  title: string;
  /** A reflection thread: participants see the other replies once they have posted theirs. */
  postFirst?: true;
  /** The opening post first, then the replies, in time order. */
  posts: DemoPost[];
}

/** The instant a DemoTime stands for, seen from `now`: whole working days back (weekends and Finnish holidays skipped). */
export function demoInstant(now: Date, { workdaysAgo, time }: DemoTime): Date {
  const today = toHelsinki(now);
  let day = new Date(Date.UTC(today.year, today.month - 1, today.day));
  for (let left = workdaysAgo; left > 0; ) {
    day = new Date(day.getTime() - 86_400_000);
    if (!isDayOff({ year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate() })) left--;
  }
  const [hour, minute] = time.split(':').map(Number);
  return fromHelsinki({ year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate(), hour, minute });
}

const at = (workdaysAgo: number, time: string): DemoTime => ({ workdaysAgo, time });

const MAIJA = 'maija.aijala@valtiokonttori.fi';
const SANNA = DEMO_FACILITATOR;
const AINO = 'aino.virtanen@verohallinto.fi';
const ASA = 'asa.ostrom@tulli.fi';
const OSKAR = 'oskar.ohman@maanmittauslaitos.fi';
const EMMA = 'emma.laine@traficom.fi';
const JUHA = 'juha.makela@tilastokeskus.fi';
const RIIKKA = 'riikka.hakkinen@poliisi.fi';
const MIKKO = 'mikko.nieminen@vayla.fi';
const LIISA = 'liisa.karkkainen@oph.fi';
const HENRIK = 'henrik.aberg@dvv.fi';
const TUULA = 'tuula.lehtonen@ruokavirasto.fi';
const ANTTI = 'antti.heikkila@migri.fi';

const GENERAL = { network: 'Yleinen keskustelu' };
const EVENTS = { network: 'Tapahtumat' };
const TOOLS = { network: 'Työkalut ja menetelmät' };
const ANNOUNCEMENTS = { network: 'Tiedotteet' };
const COMPLEXITY_SPRING = { programmeSlug: 'kompleksisuus-ja-systeemiajattelu', round: 'Kevät 2027' };
const COMPLEXITY_AUTUMN = { programmeSlug: 'kompleksisuus-ja-systeemiajattelu', round: 'Syksy 2027' };
const DIALOGUE_ONLINE = { programmeSlug: 'dialogisuus-yhteiskehittelyssa', round: 'Kevät 2027 – verkossa' };
const FORESIGHT = { programmeSlug: 'ennakointi-osana-organisaation-toimintaa', round: 'Kevät 2027' };
const LEADERSHIP_1 = { programmeSlug: 'valmentava-johtajuus', round: 'Kevät 2027 – ryhmä 1' };
const LEADERSHIP_2 = { programmeSlug: 'valmentava-johtajuus', round: 'Kevät 2027 – ryhmä 2' };

export const DEMO_THREADS: DemoThread[] = [
  // The programme team's announcement to the whole network.
  {
    channel: ANNOUNCEMENTS,
    title: 'Vuoden 2027 valmennukset julkaistu – ilmoittautumisajat',
    posts: [
      {
        author: MAIJA,
        at: at(18, '09:00'),
        language: 'fi',
        body: [
          'Hyvä kehittäjäverkosto,',
          '',
          'vuoden 2027 valmennusryhmät on julkaistu Versossa. Ilmoittautumisajat:',
          '',
          '- **Kompleksisuus ja systeemiajattelu**, kevään ryhmä: 2.11.2026–14.2.2027',
          '- **Dialogisuus yhteiskehittelyssä ja toimintakulttuurin uudistamisessa**, kevään verkkoryhmä: 4.1.–31.1.2027',
          '- **Ennakointi osana organisaation toimintaa**, kevään ryhmä: 11.1.–30.4.2027',
          '- **Valmentava johtajuus**, kevään ryhmät 1 ja 2: 11.1.–21.2.2027',
          '',
          'Ennakoinnin ja valmentavan johtajuuden ryhmiin ilmoittautuminen vaatii esihenkilön hyväksynnän: Verso lähettää esihenkilöllesi hyväksyntäpyynnön sähköpostilla. Kompleksisuusvalmennuksen syksyn ryhmään ilmoittautuminen avautuu toukokuussa.',
          '',
          'Merkitse kalenteriisi myös **kevään kehittäjäpäivä torstaina 20.5.2027** Valtiokonttorissa. Päivä on maksuton ja avoin kaikille valtion kehittäjille.',
          '',
          'Tervetuloa mukaan!',
          '',
          '– Maija Äijälä, ohjelmatiimi',
        ].join('\n'),
      },
    ],
  },

  // Yleinen keskustelu.
  {
    channel: GENERAL,
    title: 'Miten kerrotte esihenkilöille, mitä kehittäjä oikeastaan tekee?',
    posts: [
      {
        author: AINO,
        at: at(24, '09:12'),
        language: 'fi',
        body: 'Hei kaikki! Olen toiminut Verohallinnossa kehittäjänä puolitoista vuotta oman asiantuntijatyöni ohella. Huomaan selittäväni yhä uudelleen, mitä kehittäjä tekee – moni ajattelee, että vedän lähinnä työpajoja.\n\nMiten te olette sanoittaneet roolianne omassa virastossanne? Onko kehittäjän tehtävä tai siihen käytettävä aika kirjattu teillä jonnekin?',
      },
      {
        author: JUHA,
        at: at(24, '13:40'),
        language: 'fi',
        body: 'Tuttu tilanne! Meillä auttoi, kun teimme yhdessä esihenkilöiden kanssa lyhyen **kehittäjän roolikuvauksen**: mihin kehittäjää kannattaa pyytää mukaan, mihin ei, ja paljonko aikaa siihen on sovittu (meillä noin 10 % työajasta). Sen jälkeen pyyntöjä on tullut vähemmän mutta osuvammin.',
      },
      {
        author: RIIKKA,
        at: at(23, '08:25'),
        language: 'fi',
        body: 'Minulle tärkeintä on ollut kertoa esimerkkien kautta. Kun fasilitoin yksikön kehittämispäivän, jossa kaikkien ääni tuli kuuluviin, esihenkilö ymmärsi roolin paremmin kuin yhdestäkään dokumentista. Kehittäjä on vähän kuin eri tasojen välinen tulkki.',
      },
      {
        author: ASA,
        at: at(23, '10:05'),
        language: 'sv',
        replyTo: 1,
        body: 'Vi har något liknande på Tullen. Vi skrev dessutom in i utvecklingssamtalet hur mycket tid som går till utvecklarrollen, så att det inte blir osynligt arbete. Dela gärna er rollbeskrivning om det går!',
      },
      {
        author: JUHA,
        at: at(22, '14:30'),
        language: 'fi',
        replyTo: 3,
        body: 'Totta kai! Laitan pohjan Työkalut ja menetelmät -kanavalle, kunhan olen poistanut siitä talon sisäiset viittaukset.',
      },
      {
        author: AINO,
        at: at(21, '09:00'),
        language: 'fi',
        body: 'Kiitos, tosi hyviä vinkkejä. Kokeilen ensi viikon yksikkökokouksessa, että kerron yhden konkreettisen esimerkin siitä, mitä kehittämisestä syntyi.',
      },
    ],
  },
  {
    channel: GENERAL,
    title: 'Etäpalaverit, joissa vain harvat puhuvat',
    posts: [
      {
        author: MIKKO,
        at: at(12, '10:20'),
        language: 'fi',
        body: 'Meillä on paljon hybridipalavereja, joissa kolme ihmistä puhuu ja loput parikymmentä kuuntelevat kamerat kiinni. Olen kokeillut chat-kierroksia ja pienryhmiä, mutta innostus hiipuu nopeasti.\n\nMillä keinoilla te olette saaneet etäosallistujat mukaan niin, että kehittämiseen osallistuvat kaikki eivätkä vain harvat puhujat?',
      },
      {
        author: LIISA,
        at: at(12, '13:05'),
        language: 'fi',
        body: 'Meillä toimi **1-2-4-kaikki**: ensin minuutti yksin, sitten pareittain, sitten neljän hengen ryhmissä ja lopuksi yhteinen purku. Etänä parit ja nelikot tehdään pienryhmähuoneissa. Tärkeää on, että ensimmäinen vaihe on hiljainen – silloin nekin, jotka eivät ehdi suuressa ryhmässä ääneen, ehtivät ajatella.',
      },
      {
        author: OSKAR,
        at: at(11, '09:40'),
        language: 'sv',
        body: 'Håller med Liisa. Jag skulle lägga till att det hjälper att säga i förväg *varför* man samlas: ska vi besluta, utveckla eller bara informera? Om det är ren information kan den skickas som text, och mötestiden används till samtal.',
      },
      {
        author: MIKKO,
        at: at(10, '15:10'),
        language: 'fi',
        replyTo: 1,
        body: 'Kokeilin 1-2-4-kaikkea eilen tiimipalaverissa, ja hyvin toimi! Yllättävän moni kommentoi, vaikka ei yleensä sano mitään. Purkuun kannattaa varata enemmän aikaa kuin luulee.',
      },
      {
        author: EMMA,
        at: at(9, '11:30'),
        language: 'en',
        body: 'Sorry for writing in English – I’m still learning Finnish! At Traficom we have started opening hybrid meetings with a short check-in round where everyone says one sentence, camera on or off as they prefer. It sets the tone that every voice is expected, not only the usual speakers.',
      },
      {
        author: MIKKO,
        at: at(9, '12:02'),
        language: 'fi',
        replyTo: 4,
        body: 'Kiitos Emma, hyvä idea! Ja hienoa, että kirjoitit – täällä saa kirjoittaa suomeksi, ruotsiksi tai englanniksi.',
      },
    ],
  },
  {
    channel: GENERAL,
    title: 'Kompleksisuus arjessa: miten suunnitella, kun vaikutukset näkyvät vasta jälkikäteen?',
    posts: [
      {
        author: TUULA,
        at: at(4, '14:15'),
        language: 'fi',
        body: 'Luin Cynefin-kehikosta ja jäin miettimään omaa työtäni. Meillä tehdään vuosisuunnitelma, jossa jokaisella kehittämishankkeella on mittarit ja aikataulu. Osa hankkeista on kuitenkin sellaisia, joissa syy ja seuraus näkyvät vasta jälkikäteen – esimerkiksi yhteistyön kehittäminen kuntien kanssa.\n\nOnko jollakulla kokemusta siitä, miten tällaista työtä voi suunnitella ja raportoida niin, ettei kaikki muutu pakotetuksi mittaroinniksi?',
      },
      {
        author: SANNA,
        at: at(4, '16:02'),
        language: 'fi',
        body: 'Hyvä kysymys, ja juuri tähän palataan kompleksisuusvalmennuksessa. Yksi tapa on suunnitella **turvallisia kokeiluja** lopputulosten sijaan: mitä kokeilemme, mistä huomaamme suunnan olevan hyvä ja mistä sen, että kokeilu pitää lopettaa. Raportissa voi silloin kertoa, mitä opittiin – ei vain sitä, saavutettiinko mittari.',
      },
      {
        author: ANTTI,
        at: at(3, '08:50'),
        language: 'fi',
        body: 'Meillä Migrissä kokeiltiin juuri tätä asiakaspalvelun kehittämisessä. Kirjasimme jokaisen kokeilun yhdelle sivulle: oletus, kokeilu, havainnot ja päätös jatkosta. Johtoryhmä piti siitä yllättävän paljon, koska se näki oppimisen eikä vain valmiita tuloksia.',
      },
      {
        author: TUULA,
        at: at(2, '13:20'),
        language: 'fi',
        replyTo: 2,
        body: 'Tuo yhden sivun malli kuulostaa juuri siltä, mitä tarvitsen. Saako sen rungon jostain?',
      },
      {
        author: ANTTI,
        at: at(1, '09:35'),
        language: 'fi',
        replyTo: 3,
        body: 'Laitoin rungon Työkalut ja menetelmät -kanavalle, ketjuun ”Kokeilukortti”.',
      },
    ],
  },

  // Tapahtumat.
  {
    channel: EVENTS,
    title: 'Kevään kehittäjäpäivä 20.5.2027 – toiveita työpajoista?',
    posts: [
      {
        author: SANNA,
        at: at(15, '09:30'),
        language: 'fi',
        body: 'Kevään kehittäjäpäivää suunnitellaan parhaillaan. Päivä pidetään torstaina 20.5.2027 Valtiokonttorissa, ja iltapäivälle on varattu aikaa työpajoille.\n\nMistä aiheista te haluaisitte työpajan? Kirjoittakaa ehdotuksenne tähän ketjuun – voitte myös tarjoutua vetämään työpajaa itse. Kaikki ehdotukset luetaan.',
      },
      {
        author: LIISA,
        at: at(15, '11:45'),
        language: 'fi',
        body: 'Ehdotan työpajaa **strategian jalkauttamisesta osallistavasti**: miten strategia tuodaan tiimin arkeen niin, että jokainen löytää siitä oman työnsä.',
      },
      {
        author: HENRIK,
        at: at(14, '10:10'),
        language: 'sv',
        body: 'Jag föreslår en workshop om tvåspråkiga möten: hur facilitera så att både finsk- och svenskspråkiga deltagare kan delta på sitt eget språk? Jag är gärna med och leder den.',
      },
      {
        author: SANNA,
        at: at(14, '13:00'),
        language: 'fi',
        replyTo: 2,
        body: 'Kiitos Henrik, tärkeä aihe! Otan sinuun yhteyttä, niin suunnitellaan työpaja yhdessä.',
      },
      {
        author: RIIKKA,
        at: at(13, '08:40'),
        language: 'fi',
        body: 'Toiveena olisi jotain **vahvuuksien tunnistamisesta** tiimeissä. Meillä on kokeiltu vahvuuskartoitusta, ja olisi kiva kuulla muidenkin kokemuksia.',
      },
      {
        author: AINO,
        at: at(10, '15:20'),
        language: 'fi',
        replyTo: 4,
        body: 'Plussaa Riikan ehdotukselle! Ja jos mahdollista, jokin osuus myös verkosta osallistuville.',
      },
    ],
  },
  {
    channel: EVENTS,
    title: 'Yhteiskehittelyn verkkoaamupäivä keväällä – kiinnostaisiko?',
    posts: [
      {
        author: ANTTI,
        at: at(7, '10:00'),
        language: 'fi',
        body: 'Meillä Migrissä heräsi ajatus avoimesta verkkoaamupäivästä, jossa eri virastojen kehittäjät kertovat lyhyesti yhdestä kokeilustaan ja muut kommentoivat pienryhmissä. Tarkoitus on, että kaikki osallistuvat eikä kukaan vain kuuntele.\n\nKiinnostaisiko osallistua tai kertoa omasta kokeilusta? Jos kiinnostusta löytyy, ehdotan ajaksi maalis–huhtikuuta.',
      },
      {
        author: EMMA,
        at: at(7, '14:25'),
        language: 'en',
        body: 'Count me in! I could share our experiment with a shared team workbook at Traficom.',
      },
      {
        author: JUHA,
        at: at(6, '09:15'),
        language: 'fi',
        body: 'Kiinnostaa! Voisin kertoa Tilastokeskuksen kokeilusta, jossa asiakkaiden palaute käsiteltiin yhdessä tilastojen tekijöiden kanssa.',
      },
      {
        author: MAIJA,
        at: at(5, '11:00'),
        language: 'fi',
        body: 'Hieno aloite, Antti! Ohjelmatiimi auttaa mielellään: lisätään tilaisuus tapahtumakalenteriin, kun päivä on sovittu, ja lähetetään kutsu koko verkostolle.',
      },
      {
        author: ANTTI,
        at: at(5, '15:40'),
        language: 'fi',
        replyTo: 3,
        body: 'Kiitos! Ehdotan torstaita 18.3.2027 klo 9–11. Kirjoitan tarkemmat tiedot tänne, kun ohjelma on koossa.',
      },
    ],
  },

  // Työkalut ja menetelmät.
  {
    channel: TOOLS,
    title: 'Kehittäjän roolikuvaus – pohja vapaasti käyttöön',
    posts: [
      {
        author: JUHA,
        at: at(20, '10:30'),
        language: 'fi',
        body: [
          'Kuten Yleisessä keskustelussa lupasin, tässä Tilastokeskuksen kehittäjän roolikuvauksen runko. Muokatkaa vapaasti omiin tarpeisiinne.',
          '',
          '**1. Mihin kehittäjää kannattaa pyytää mukaan**',
          '',
          '- yksikön kehittämispäivien ja työpajojen suunnitteluun ja fasilitointiin',
          '- kokeilujen suunnitteluun ja tulosten yhteiseen arviointiin',
          '- tilanteisiin, joissa tarvitaan eri yksiköiden yhteistä näkemystä',
          '',
          '**2. Mihin ei**',
          '',
          '- pelkkien esitysten tekemiseen tai kokousten sihteeriksi',
          '',
          '**3. Aika ja tuki**',
          '',
          '- noin 10 % työajasta, sovitaan kehityskeskustelussa',
          '- esihenkilö ja kehittäjä käyvät tilanteen läpi puolen vuoden välein',
        ].join('\n'),
      },
      {
        author: ASA,
        at: at(19, '09:20'),
        language: 'sv',
        body: 'Tack Juha! Jag översätter den till svenska för vårt team på Tullen och delar den här när den är klar.',
      },
      {
        author: TUULA,
        at: at(18, '14:00'),
        language: 'fi',
        body: 'Tosi selkeä. Lisäisin kohtaan 2, ettei kehittäjä ole yksin vastuussa muutoksesta – kehittäminen kuuluu koko työyhteisölle ja esihenkilölle.',
      },
      {
        author: JUHA,
        at: at(18, '15:30'),
        language: 'fi',
        replyTo: 2,
        body: 'Hyvä lisäys, päivitän sen omaankin versioomme.',
      },
    ],
  },
  {
    channel: TOOLS,
    title: 'VALOA-työkirja tiimin kehittämispäivässä – kokemuksia?',
    posts: [
      {
        author: LIISA,
        at: at(8, '13:00'),
        language: 'fi',
        body: 'Aiomme käyttää tiimimme kevään kehittämispäivässä VALOA-työkirjaa ja arviointityökaluja valmentavan ja oppivan työkulttuurin tarkasteluun. Onko joku jo käyttänyt niitä? Mihin kannattaa varata aikaa, ja toimiiko arviointityökalu isossa ryhmässä?',
      },
      {
        author: RIIKKA,
        at: at(8, '15:45'),
        language: 'fi',
        body: 'Käytimme työkirjaa kahdessa osassa kahdessa eri tiimipalaverissa – yhteen päivään kaikki olisi ollut liikaa. Arviointityökalu toimi hyvin, kun jokainen vastasi ensin yksin ja vasta sitten katsottiin tuloksia yhdessä. Keskustelu eroista oli arvokkain osa.',
      },
      {
        author: OSKAR,
        at: at(7, '10:30'),
        language: 'sv',
        body: 'Vi använde självvärderingen i en grupp på 25 personer. Det fungerade, men vi delade in oss i mindre grupper för diskussionen. Ett tips: bestäm i förväg vad som händer med resultaten, annars blir det lätt en enkät bland andra.',
      },
      {
        author: LIISA,
        at: at(6, '14:20'),
        language: 'fi',
        body: 'Kiitos molemmille! Jaetaan siis kahteen osaan ja sovitaan etukäteen, mitä tuloksilla tehdään.',
      },
    ],
  },
  {
    channel: TOOLS,
    title: 'Kokeilukortti: kokeilu yhdelle sivulle',
    posts: [
      {
        author: ANTTI,
        at: at(1, '09:20'),
        language: 'fi',
        body: [
          'Tässä kokeilukortin runko, jota käytimme Migrissä asiakaspalvelun kokeiluissa:',
          '',
          '1. **Oletus** – mitä uskomme tapahtuvan?',
          '2. **Kokeilu** – mitä teemme, kuka, missä ja kuinka kauan?',
          '3. **Merkit** – mistä huomaamme, että suunta on hyvä? Entä mistä, että kokeilu pitää lopettaa?',
          '4. **Havainnot** – mitä oikeasti tapahtui?',
          '5. **Päätös** – jatketaanko, muutetaanko vai lopetetaanko?',
          '',
          'Kortti täytetään yhdessä tiimin kanssa ennen kokeilua ja sen jälkeen. Tärkein on kohta 3: lopettaminen on yhtä hyvä tulos kuin jatkaminen, kunhan siitä opitaan.',
        ].join('\n'),
      },
      {
        author: TUULA,
        at: at(1, '13:10'),
        language: 'fi',
        body: 'Kiitos Antti! Tämä menee sellaisenaan tiimimme seuraavaan kehittämispäivään.',
      },
    ],
  },

  // Kompleksisuus ja systeemiajattelu, kevät 2027.
  {
    channel: COMPLEXITY_SPRING,
    title: 'Ennakkotehtävä: tilanne, jossa syy ja seuraus näkyivät vasta jälkikäteen',
    postFirst: true,
    posts: [
      {
        author: SANNA,
        at: at(16, '10:00'),
        language: 'fi',
        body: 'Tervetuloa kevään kompleksisuusryhmään! Ensimmäinen valmennuspäivä on tiistaina 16.3.2027 Valtiokonttorissa.\n\n**Ennakkotehtävä:** kuvaa lyhyesti yksi oman työsi tilanne, jossa syy ja seuraus näkyivät vasta jälkikäteen – jokin muutos tai päätös, jonka vaikutukset yllättivät. Mitä tapahtui, ja mitä teit?\n\nTämä on pohdintaketju: näet muiden vastaukset, kun olet kirjoittanut omasi. Näin jokainen ehtii ajatella ensin itse. Käsittelemme tilanteita ensimmäisenä päivänä Cynefin-kehikon avulla.',
      },
      {
        author: JUHA,
        at: at(15, '14:20'),
        language: 'fi',
        body: 'Uudistimme tiedonkeruun lomakkeen, jotta vastaaminen olisi helpompaa. Vastausaste nousi, mutta puoli vuotta myöhemmin huomasimme, että osa vastaajista oli tulkinnut uudistetun kysymyksen eri tavalla kuin ennen, ja aikasarja katkesi. Kukaan ei osannut ennakoida sitä, koska muutos näytti pieneltä. Opin, että pienikin muutos kytkeytyy moneen paikkaan.',
      },
      {
        author: RIIKKA,
        at: at(14, '09:10'),
        language: 'fi',
        body: 'Otimme käyttöön uuden tavan suunnitella työvuorot, ja sen piti vähentää ylitöitä. Ylityöt vähenivät, mutta samalla tiimien välinen epävirallinen apu loppui, kun kaikki olivat tiukasti omissa vuoroissaan. Sen huomasimme vasta ruuhkahuipussa. Jälkikäteen näen, että vanha järjestely piti yllä yhteyksiä, joita kukaan ei ollut kirjannut mihinkään.',
      },
      {
        author: ASA,
        at: at(12, '13:45'),
        language: 'sv',
        body: 'På Tullen centraliserade vi en del av kundtjänsten för att göra den effektivare. Svarstiderna blev kortare, men de lokala kontoren tappade kontakten med företagen i regionen, och det märktes först ett år senare som fler fel i deklarationerna. Orsak och verkan var inte alls uppenbara när beslutet fattades.',
      },
      {
        author: EMMA,
        at: at(9, '10:15'),
        language: 'en',
        body: 'At Traficom we launched a new online service and closed a phone line at the same time. The numbers looked great at first, but the calls simply moved to other units that were not prepared for them. It took months before anyone connected the dots, because each unit only saw its own part of the system.',
      },
      {
        author: SANNA,
        at: at(8, '16:00'),
        language: 'fi',
        body: 'Kiitos, upeita esimerkkejä! Kaikissa näkyy sama ilmiö: muutos näytti yksinkertaiselta, mutta vaikutukset kulkivat rakenteiden ja yhteyksien kautta sinne, minne kukaan ei katsonut. Palataan näihin 16.3.',
      },
    ],
  },
  {
    channel: COMPLEXITY_SPRING,
    title: 'Esittäytykää!',
    posts: [
      {
        author: SANNA,
        at: at(16, '10:05'),
        language: 'fi',
        body: 'Jotta tutustumme jo ennen ensimmäistä päivää: kertokaa lyhyesti, mistä virastosta tulette, mitä teette ja mitä toivotte valmennukselta.',
      },
      {
        author: AINO,
        at: at(16, '12:30'),
        language: 'fi',
        body: 'Hei! Aino Virtanen Verohallinnosta. Olen asiantuntija ja kehittäjä henkilöasiakkaiden palveluissa. Toivon valmennukselta keinoja puhua monimutkaisista asioista niin, ettei kaikkea tarvitse pilkkoa projekteiksi.',
      },
      {
        author: MIKKO,
        at: at(15, '08:15'),
        language: 'fi',
        body: 'Mikko Nieminen Väylävirastosta. Teen liikennejärjestelmän suunnittelua ja vedän sisäisiä kehittämistyöpajoja. Toivon oppivani katsomaan kokonaisuuksia – meillä jokainen hanke kytkeytyy kymmeneen muuhun.',
      },
      {
        author: EMMA,
        at: at(13, '09:00'),
        language: 'en',
        body: 'Hi all, Emma Laine from Traficom. I work on service design for digital services. I hope to learn ways to make sense of problems that cross agency boundaries – and to practise my Finnish with you!',
      },
    ],
  },

  // Kompleksisuus ja systeemiajattelu, syksy 2027.
  {
    channel: COMPLEXITY_AUTUMN,
    title: 'Pohdittavaa ennen syksyä: ilmiö, jota kukaan ei omista yksin',
    postFirst: true,
    posts: [
      {
        author: SANNA,
        at: at(11, '09:45'),
        language: 'fi',
        body: 'Tervetuloa syksyn ryhmään – aikaa on vielä, mutta aloitetaan pohdinta rauhassa.\n\nKirjoita lyhyesti yhdestä oman työsi ilmiöstä, jota **kukaan ei omista yksin**: siihen vaikuttavat monet yksiköt, virastot tai asiakkaat, eikä mikään yksittäinen päätös ratkaise sitä. Näet muiden vastaukset, kun olet kirjoittanut omasi. Kuvaamme ilmiöt systeemikartoiksi toisena valmennuspäivänä.',
      },
      {
        author: ANTTI,
        at: at(10, '14:00'),
        language: 'fi',
        body: 'Maahan muuttavan asiakkaan polku: Migri, poliisi, TE-palvelut, kunnat ja DVV hoitavat kukin oman osansa. Asiakas kokee yhden polun, mutta me näemme vain oman palamme.',
      },
      {
        author: HENRIK,
        at: at(8, '10:40'),
        language: 'sv',
        body: 'På DVV tänker jag på identifiering. Tjänsterna beror på varandra, och när en del ändras påverkas användare på ställen som vi inte ser. Ingen enskild enhet äger helheten.',
      },
      {
        author: LIISA,
        at: at(5, '13:30'),
        language: 'fi',
        body: 'Opetushallituksessa jatkuva oppiminen. Siihen vaikuttavat oppilaitokset, työnantajat, rahoittajat ja ihmisten oma elämäntilanne. Ilmiötä on vaikea edes rajata, mikä on jo sinänsä kiinnostava havainto.',
      },
    ],
  },
  {
    channel: COMPLEXITY_AUTUMN,
    title: 'Lukuvinkkejä systeemiajattelusta',
    posts: [
      {
        author: LIISA,
        at: at(4, '09:15'),
        language: 'fi',
        body: 'Onko teillä lukuvinkkejä systeemiajattelusta ennen syksyä? Mieluiten jotain, jota voi lukea pätkissä työmatkalla.',
      },
      {
        author: ANTTI,
        at: at(4, '12:00'),
        language: 'fi',
        body: 'Donella Meadowsin *Thinking in Systems* on klassikko ja lyhyt. Ainakin vipukohtia käsittelevä luku kannattaa lukea.',
      },
      {
        author: SANNA,
        at: at(3, '10:20'),
        language: 'fi',
        replyTo: 1,
        body: 'Hyvä vinkki! Suosittelen lisäksi kirjoittamaan lukiessa ylös yhden esimerkin omasta työstä jokaista lukua kohden – niistä on hyötyä syksyllä.',
      },
    ],
  },

  // Dialogisuus, kevään verkkoryhmä.
  {
    channel: DIALOGUE_ONLINE,
    title: 'Ennakkotehtävä: keskustelu, jossa tulit kuulluksi',
    postFirst: true,
    posts: [
      {
        author: SANNA,
        at: at(14, '13:00'),
        language: 'fi',
        body: 'Tervetuloa dialogivalmennuksen kevään verkkoryhmään! Ensimmäinen tapaaminen on keskiviikkona 10.2.2027 klo 13–15 verkossa.\n\n**Ennakkotehtävä:** muistele keskustelua, jossa tulit todella kuulluksi – työssä tai muualla. Mitä toinen teki tai jätti tekemättä? Miltä se tuntui? Kirjoita muutama virke. Näet muiden vastaukset, kun olet kirjoittanut omasi.',
      },
      {
        author: TUULA,
        at: at(13, '09:30'),
        language: 'fi',
        body: 'Esihenkilöni kysyi kerran kehityskeskustelussa, mitä työssäni on sellaista, mistä hän ei tiedä mitään. Sitten hän oli hiljaa ja antoi minun miettiä. Hän ei kommentoinut heti eikä alkanut ratkaista. Tunsin, että näkökulmallani oli väliä.',
      },
      {
        author: OSKAR,
        at: at(12, '15:00'),
        language: 'sv',
        body: 'Ett samtal med en kollega efter en omorganisation. Hon frågade hur det kändes och lät mig tala till punkt utan att försvara beslutet. Jag märkte att jag själv började tänka klarare när jag inte behövde kämpa för att bli hörd.',
      },
      {
        author: AINO,
        at: at(10, '11:10'),
        language: 'fi',
        body: 'Työpajassa fasilitaattori kirjoitti sanomani taululle omin sanoin ja kysyi, ymmärsikö oikein. Pieni asia, mutta se teki näkyväksi, että ajatukseni otettiin vakavasti.',
      },
    ],
  },
  {
    channel: DIALOGUE_ONLINE,
    title: 'Pienryhmät ja tekniikka ennen ensimmäistä tapaamista',
    posts: [
      {
        author: LIISA,
        at: at(7, '14:45'),
        language: 'fi',
        body: 'Käytetäänkö tapaamisissa pienryhmähuoneita? Haluaisin testata yhteyden ja kuulokkeet etukäteen.',
      },
      {
        author: SANNA,
        at: at(7, '16:10'),
        language: 'fi',
        body: 'Käytetään, lähes joka kerta. Linkki on ryhmän sivulla, ja tapaaminen avautuu 15 minuuttia ennen alkua, joten ehdit testata. Kuulokkeet auttavat, mutta kameran saa pitää myös kiinni.',
      },
      {
        author: HENRIK,
        at: at(6, '09:05'),
        language: 'sv',
        body: 'Bra fråga. Får man tala svenska i smågrupperna om alla förstår?',
      },
      {
        author: SANNA,
        at: at(6, '10:30'),
        language: 'fi',
        replyTo: 2,
        body: 'Totta kai! Ryhmässä saa puhua suomea tai ruotsia, ja pienryhmät voidaan tarvittaessa muodostaa kielen mukaan.',
      },
    ],
  },

  // Ennakointi osana organisaation toimintaa, kevät 2027.
  {
    channel: FORESIGHT,
    title: 'Ennakkotehtävä: heikko signaali omasta toimintaympäristöstä',
    postFirst: true,
    posts: [
      {
        author: SANNA,
        at: at(9, '10:00'),
        language: 'fi',
        body: 'Tervetuloa ennakoinnin ryhmään! Ensimmäinen tilaisuus on tiistaina 25.5.2027 Tilastokeskuksessa ja verkossa.\n\n**Ennakkotehtävä:** poimi omasta toimintaympäristöstäsi yksi heikko signaali – pieni, ehkä oudoltakin tuntuva merkki muutoksesta, joka voisi kasvaa merkittäväksi. Kerro, mistä huomasit sen ja mitä se voisi tarkoittaa virastosi työlle viiden vuoden päästä. Näet muiden signaalit, kun olet kirjoittanut omasi.',
      },
      {
        author: JUHA,
        at: at(8, '13:15'),
        language: 'fi',
        body: 'Yhä useampi tutkija pyytää aineistoja koneluettavina rajapintoina eikä tiedostoina. Nyt joukko on pieni, mutta viiden vuoden päästä tilastojen julkaiseminen voi tarkoittaa jotain aivan muuta kuin nyt.',
      },
      {
        author: EMMA,
        at: at(6, '09:40'),
        language: 'en',
        body: 'Small drone operators asking us questions that fit none of our current categories. Today it is a handful of emails a month; in five years it might be a whole new field of regulation.',
      },
      {
        author: ANTTI,
        at: at(3, '14:10'),
        language: 'fi',
        body: 'Asiakkaat tuovat yhä useammin tekoälyllä käännettyjä asiakirjoja. Se nopeuttaa asiointia, mutta herättää kysymyksiä luotettavuudesta ja siitä, kuka vastaa käännöksen virheistä.',
      },
    ],
  },
  {
    channel: FORESIGHT,
    title: 'Paikan päällä vai verkossa 25.5.?',
    posts: [
      {
        author: JUHA,
        at: at(5, '11:00'),
        language: 'fi',
        body: 'Tuleeko moni paikan päälle Tilastokeskukseen? Järjestän mielelläni lounastauolla pienen kierroksen talossa, jos kiinnostaa.',
      },
      {
        author: HENRIK,
        at: at(5, '14:30'),
        language: 'sv',
        body: 'Jag kommer på plats! En rundtur låter trevligt.',
      },
      {
        author: ANTTI,
        at: at(4, '08:55'),
        language: 'fi',
        body: 'Osallistun ensimmäiseen kertaan verkosta, mutta toiseen tulen paikan päälle.',
      },
    ],
  },

  // Valmentava johtajuus, kevään ryhmä 1.
  {
    channel: LEADERSHIP_1,
    title: 'Ennakkotehtävä: palaute, joka auttoi sinua kasvamaan',
    postFirst: true,
    posts: [
      {
        author: SANNA,
        at: at(12, '09:00'),
        language: 'fi',
        body: 'Tervetuloa valmentavan johtajuuden ensimmäiseen ryhmään! Aloitamme torstaina 11.3.2027 Valtiokonttorissa 360-palautteen taustafilosofialla.\n\n**Ennakkotehtävä:** muistele palautetta, joka on auttanut sinua kasvamaan esihenkilönä tai asiantuntijana. Mikä teki siitä hyödyllisen – sisältö, tapa, ajoitus vai antaja? Näet muiden vastaukset, kun olet kirjoittanut omasi.',
      },
      {
        author: RIIKKA,
        at: at(11, '10:25'),
        language: 'fi',
        body: 'Tiimiläinen sanoi minulle kahden kesken, että keskeytän usein, kun joku vasta hakee sanoja. Palaute oli konkreettinen ja annettu hyvässä hengessä, ja se tuli heti palaverin jälkeen. Sen jälkeen olen laskenut mielessäni kolmeen ennen kuin jatkan.',
      },
      {
        author: MIKKO,
        at: at(9, '15:50'),
        language: 'fi',
        body: 'Edellinen esihenkilöni kysyi kehityskeskustelussa ensin, missä itse ajattelen onnistuneeni. Vasta sitten hän kertoi oman näkemyksensä. Palaute tuntui yhteiseltä pohdinnalta eikä arvostelulta.',
      },
      {
        author: OSKAR,
        at: at(7, '11:15'),
        language: 'sv',
        body: 'En medarbetare sa att mina veckomejl var för långa och att ingen läste dem till slut. Det var lite pinsamt, men helt rätt. Nu skriver jag kortare och frågar oftare vad teamet behöver veta.',
      },
    ],
  },
  {
    channel: LEADERSHIP_1,
    title: 'Kehityskeskustelu uudella konseptilla – kuka on jo kokeillut?',
    posts: [
      {
        author: MIKKO,
        at: at(5, '10:10'),
        language: 'fi',
        body: 'Meillä uusi kehityskeskustelukonsepti otetaan käyttöön keväällä. Onko joku jo käynyt keskusteluja uudella tavalla? Mietityttää erityisesti, miten keskustelu pysyy dialogina eikä muutu lomakkeen täyttämiseksi.',
      },
      {
        author: RIIKKA,
        at: at(4, '13:40'),
        language: 'fi',
        body: 'Kokeilin kahden tiimiläisen kanssa. Lähetin kysymykset viikkoa etukäteen ja pyysin heitä valitsemaan, mistä aloitetaan. Lomake täytettiin vasta lopuksi yhdessä – se toimi hyvin.',
      },
      {
        author: SANNA,
        at: at(3, '09:00'),
        language: 'fi',
        body: 'Tästä puhutaan toisella tapaamiskerralla 8.4. Hyvä, että kokemuksia on jo – tuokaa niitä mukaan!',
      },
    ],
  },

  // Valmentava johtajuus, kevään ryhmä 2 (verkossa).
  {
    channel: LEADERSHIP_2,
    title: 'Ennakkotehtävä: millainen valmentava esihenkilö haluat olla?',
    postFirst: true,
    posts: [
      {
        author: SANNA,
        at: at(10, '13:30'),
        language: 'fi',
        body: 'Tervetuloa ryhmään 2! Tapaamme verkossa torstaina 18.3.2027 klo 13–15.\n\n**Ennakkotehtävä:** kirjoita muutamalla virkkeellä, millainen valmentava esihenkilö haluat olla vuoden päästä. Mitä tiimisi silloin sanoisi sinusta? Näet muiden vastaukset, kun olet kirjoittanut omasi.',
      },
      {
        author: TUULA,
        at: at(9, '09:20'),
        language: 'fi',
        body: 'Haluaisin tiimini sanovan: hän kysyy ennen kuin neuvoo ja luottaa siihen, että osaamme. Nyt ratkaisen asiat liian usein itse, koska se on nopeampaa.',
      },
      {
        author: ASA,
        at: at(8, '14:35'),
        language: 'sv',
        body: 'Jag vill att mitt team ska säga att jag gav dem utrymme att pröva nytt och att misslyckanden fick diskuteras öppet. Och att jag fanns till hands utan att stå i vägen.',
      },
      {
        author: ANTTI,
        at: at(6, '10:50'),
        language: 'fi',
        body: 'Että olen johdonmukainen: palaute ei riipu kiireestä tai mielialasta. Ja että kehityskeskustelut koetaan hyödyllisiksi eikä pakollisiksi.',
      },
    ],
  },
  {
    channel: LEADERSHIP_2,
    title: 'Tallennetaanko tapaamisia?',
    posts: [
      {
        author: TUULA,
        at: at(4, '15:05'),
        language: 'fi',
        body: 'Tallennetaanko verkkotapaamisia? Kesäkuun 9. päivän tapaaminen osuu lomani alkuun, joten voi olla, että joudun olemaan poissa.',
      },
      {
        author: SANNA,
        at: at(3, '11:30'),
        language: 'fi',
        body: 'Tapaamisia ei tallenneta, jotta keskustelu pysyy luottamuksellisena. Jos olet poissa, kirjoitan tänne lyhyen koosteen ja pohdintatehtävän, johon voit vastata jälkikäteen.',
      },
      {
        author: ASA,
        at: at(2, '09:45'),
        language: 'sv',
        body: 'Tack, det låter bra. Jag är också borta en av gångerna, så en sammanfattning hjälper.',
      },
    ],
  },
];
