// The newsletter in the demo: two editions already sent (so /newsletter has an archive, written
// from the network's own texts) and a few confirmed subscribers, on a database without any
// edition. Written straight into the newsletter's tables: nothing is mailed for them.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Language, LocalizedText } from '../i18n/i18n';

interface DemoEdition {
  subject: LocalizedText;
  body: LocalizedText;
  /** When it went, as ISO text (Helsinki morning). */
  sentAt: string;
}

const DEMO_EDITIONS: DemoEdition[] = [
  {
    subject: { fi: 'Uutiskirje 1/2027: tervetuloa kehittäjien verkostoon', sv: 'Nyhetsbrev 1/2027: välkommen till utvecklarnätverket', en: 'Newsletter 1/2027: welcome to the developers’ network' },
    body: {
      fi: `Työelämän kehittäjät ovat organisaatioiden omia asiantuntijoita, jotka tukevat organisaatioiden kehittymistä ja uudistumista muuttuvassa toimintaympäristössä. Verkostoon liittyminen ei edellytä Kaiku-koulutusta tai kehittäjävalmennusta: mukana on myös muita valtion työelämän kehittämiseen sitoutuneita asiantuntijoita.

## Näin pääset mukaan

- Liity keskusteluihin ja jaa tietoa kollegojen kesken.
- Seuraa tapahtumia: kerran tai pari vuodessa järjestetään kehittäjien syys- ja kevätpäivät.
- Tarkista kehittäjälistasta oman virastosi kehittäjät.

Eletään ajassa ja toimitaan yhdessä tässä laajassa kehittämisen kentässä. **Tervetuloa mukaan ideoimaan, toimimaan ja osallistumaan!**`,
      sv: `Arbetslivsutvecklarna är organisationernas egna experter som stöder organisationernas utveckling och förnyelse i en föränderlig omvärld. Man behöver inte ha gått Kaiku-utbildningen eller utvecklarcoachningen för att gå med i nätverket.

## Så här kommer du med

- Delta i diskussionerna och dela kunskap med kolleger.
- Följ evenemangen: en eller två gånger om året ordnas utvecklarnas höst- och vårdagar.
- Kolla i utvecklarlistan vilka utvecklare ditt ämbetsverk har.

**Välkommen med och idea, verka och delta!**`,
      en: `Work-life developers are organisations’ own experts who support their organisations’ development and renewal in a changing environment. You need not have taken the Kaiku training or the developer coaching to join the network.

## How to take part

- Join the discussions and share what you know with colleagues.
- Follow the events: once or twice a year there are the developers’ autumn and spring days.
- Check the list of trained developers for those in your agency.

**Welcome to come up with ideas, act and take part!**`,
    },
    sentAt: '2027-01-12T07:00:00Z',
  },
  {
    subject: { fi: 'Uutiskirje 2/2027: kehittäjien kevätpäivä ja uudet valmennukset', sv: 'Nyhetsbrev 2/2027: utvecklarnas vårdag och nya coachningar' },
    body: {
      fi: `Kehittäjien lähtökohtia ovat **ihmislähtöisyys**, **monialaisuus**, **systeemisyys**, **yhteistoiminnallisuus** ja **vuorovaikutuksen laatu**. Niistä puhutaan myös kevään kehittäjäpäivänä.

## Kevään kehittäjäpäivä

Kehittäjäpäivä kokoaa verkoston yhteen: kuulet kollegojen kokeiluista ja voit ideoida yhteistyötä eri virastojen kesken. Katso aika ja paikka tapahtumasivulta.

## Valmennukset

Syksyn valmennusryhmien ilmoittautuminen avautuu pian. Valmennus sopii sekä uusille että pitkän linjan kehittäjille.`,
      sv: `Utvecklarnas utgångspunkter är **människocentrering**, **tvärvetenskaplighet**, **systemtänkande**, **samverkan** och **kvalitet i växelverkan**. Om dem talar vi också på vårens utvecklardag.

## Vårens utvecklardag

Utvecklardagen samlar nätverket: du hör om kollegers försök och kan idea samarbete mellan ämbetsverk. Tid och plats finns på evenemangssidan.`,
    },
    sentAt: '2027-03-09T07:00:00Z',
  },
];

const DEMO_SUBSCRIBERS: { email: string; language: Language }[] = [
  { email: 'uutiskirje.lukija@verohallinto.example', language: 'fi' },
  { email: 'nyhetsbrev.lasare@tulli.example', language: 'sv' },
  { email: 'newsletter.reader@valtiokonttori.example', language: 'en' },
];

@Injectable()
export class DemoNewsletterService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The demo editions and subscribers, on a database without any edition, once whatever processes start. Returns the editions written. */
  async seedIfNone(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      // One process at a time: the second finds the editions the first wrote.
      await manager.query(`LOCK TABLE newsletter_edition IN SHARE ROW EXCLUSIVE MODE`);
      const [{ any }] = await manager.query(`SELECT EXISTS (SELECT 1 FROM newsletter_edition) AS any`);
      if (any) return 0;
      for (const edition of DEMO_EDITIONS) {
        await manager.query(
          `INSERT INTO newsletter_edition (subject, body, status, scheduled_at, sent_at, recipient_count) VALUES ($1, $2, 'sent', $3, $3, $4)`,
          [edition.subject, edition.body, edition.sentAt, DEMO_SUBSCRIBERS.length],
        );
      }
      for (const subscriber of DEMO_SUBSCRIBERS) {
        await manager.query(
          `INSERT INTO newsletter_subscriber (email, language, status, confirmed_at) VALUES ($1, $2, 'confirmed', now()) ON CONFLICT (lower(email)) DO NOTHING`,
          [subscriber.email, subscriber.language],
        );
      }
      return DEMO_EDITIONS.length;
    });
  }
}
