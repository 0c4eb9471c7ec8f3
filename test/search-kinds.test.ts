// The kinds search finds besides posts (issue 20): programmes and rounds (catalogue), network events
// (calendar), materials and toolkit entries, each by its Finnish words inflected or inside compounds
// (Voikko, learned as the texts are written), and each only for whom its area shows it: a draft
// programme or round to admins, no cancelled or past event, a round's material to the round's
// people, no toolkit case waiting for a decision. Asked through the registry as the one search asks.
import { DataSource } from 'typeorm';
import { Actor } from '../src/access/capabilities';
import { NetworkEventsService } from '../src/calendar/network-events.service';
import { EnrolmentService } from '../src/enrolment/enrolment.service';
import { cohortNameIn } from '../src/i18n/cohort-name';
import { Language } from '../src/i18n/i18n';
import { MaterialsService } from '../src/materials/materials.service';
import { Found, SearchFilters, SearchKind, SearchSources } from '../src/search/search-sources';
import { SearchService } from '../src/search/search.service';
import { SearchVocabulary } from '../src/search/search-vocabulary.service';
import { ToolkitService } from '../src/toolkit/toolkit.service';
import { actorOf, createUser } from './support/accounts';
import { newCohort, newProgramme } from './support/catalogue';
import { startTestApp, TestApp } from './support/test-app';

const DAY = 24 * 60 * 60 * 1000;
const OPEN_NOW = { enrolmentOpensAt: new Date(Date.now() - DAY), enrolmentClosesAt: new Date(Date.now() + 30 * DAY), cancellationDeadline: null };

describe('search over programmes, rounds, events, materials and the toolkit', () => {
  let t: TestApp;
  let db: DataSource;
  let admin: Actor;
  let facilitator: Actor;
  let member: Actor;
  let outsider: Actor;
  let programmeFacilitator: Actor;
  let programmeId: string;
  let draftProgrammeId: string;
  let roundId: string;
  let draftRoundId: string;
  let eventId: string;
  let cancelledEventId: string;
  let pastEventId: string;
  let roundMaterialId: string;
  let sessionMaterialId: string;
  let sessionId: string;
  let programmeMaterialId: string;
  let draftProgrammeMaterialId: string;
  let toolId: string;
  let caseId: string;

  /** The registered source of a kind. */
  function sourceOf(kind: SearchKind) {
    const source = t.app.get(SearchSources).all().find((each) => each.kind === kind);
    if (!source) throw new Error(`No search source of kind ${kind}`);
    return source;
  }

  /**
   * What `actor` (null: a guest) finds of `kind` for `typed`, through the source the one search
   * asks, with the typed words analysed as the one search analyses them before it asks the sources.
   */
  async function find(kind: SearchKind, actor: Actor | null, typed: string, filters: SearchFilters = {}, limit = 20, cursor: string | null = null, lang: Language = 'fi') {
    const analysed = t.app.get(SearchVocabulary).analyseTyped(typed);
    return sourceOf(kind).search({ actor, typed, analysed, lang, filters, limit, cursor });
  }
  const ids = async (...args: Parameters<typeof find>) => (await find(...args)).items.map((item) => item.id);

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    const person = async (displayName: string, siteRole: 'admin' | null = null) => actorOf(await createUser(t, { displayName, siteRole }));
    admin = await person('Ada Admin', 'admin');
    facilitator = await person('Fanni Fasilitaattori');
    member = await person('Aino Virtanen');
    outsider = await person('Olli Ulkopuolinen');
    programmeFacilitator = await person('Pirjo Ohjelmavetäjä');

    const programme = await newProgramme(t, {
      title: { fi: 'Johtamiskulttuurin kehittäminen', sv: 'Utveckling av ledarskapskulturen' },
      summary: { fi: 'Valmennus esihenkilöille.' },
      description: { fi: 'Tutkimme **organisaatiokulttuuria** ja sen muutosta yhdessä.' },
    });
    programmeId = programme.id;
    draftProgrammeId = (
      await newProgramme(t, {
        status: 'draft',
        title: { fi: 'Kulttuurimuutoksen luonnos' },
        summary: { fi: 'Vielä kesken.' },
        facilitatorEmails: [programmeFacilitator.email],
      })
    ).id;
    roundId = (await newCohort(t, { programmeId, name: 'Syksy 2027 – ryhmä 1', place: 'Hämeenlinnan virastotalo', facilitatorEmails: [facilitator.email], ...OPEN_NOW })).id;
    draftRoundId = (await newCohort(t, { programmeId, status: 'draft', name: 'Kevät 2028', place: 'Tampereen virastotalo' })).id;
    await t.app.get(EnrolmentService).enrol(member, roundId);
    [{ id: sessionId }] = await db.query(`SELECT id FROM cohort_session WHERE cohort_id = $1 ORDER BY starts_at LIMIT 1`, [roundId]);

    const events = t.app.get(NetworkEventsService);
    const at = (days: number, hours = 0) => new Date(Date.now() + days * DAY + hours * 3_600_000);
    const event = (title: string, starts: Date, ends: Date) => ({ title: { fi: title }, description: { fi: 'Koko verkoston **yhteinen** tapaaminen.' }, startsAt: starts, endsAt: ends, place: 'Säätytalo', meetingLink: null });
    eventId = (await events.create(admin.id, event('Kehittäjäpäivä syksyllä', at(60), at(60, 6)))).id;
    cancelledEventId = (await events.create(admin.id, event('Kehittäjäpäivä keväällä', at(120), at(120, 6)))).id;
    await events.cancel(admin.id, cancelledEventId);
    pastEventId = (await events.create(admin.id, event('Kehittäjäpäivä viime vuonna', at(-300), at(-300, 6)))).id;

    const materials = t.app.get(MaterialsService);
    const material = async (actor: Actor, place: 'programme' | 'cohort' | 'session', ownerId: string, titleFi: string, noteFi: string) => {
      await materials.add(actor, place, ownerId, { titleFi, noteFi, url: `https://example.fi/${encodeURIComponent(titleFi)}` }, null);
      const [row] = await db.query(`SELECT id FROM material WHERE title->>'fi' = $1`, [titleFi]);
      return row.id as string;
    };
    roundMaterialId = await material(facilitator, 'cohort', roundId, 'Ennakkotehtävä', 'Kokeile itsearviointityökaluja ennen tapaamista.');
    sessionMaterialId = await material(facilitator, 'session', sessionId, 'Päivän diat', 'Työkalujen esittely.');
    programmeMaterialId = await material(admin, 'programme', programmeId, 'Johtamisen käsikirja', 'Lyhyt opas.');
    draftProgrammeMaterialId = await material(admin, 'programme', draftProgrammeId, 'Luonnoksen käsikirja', 'Vielä kesken.');

    const toolkit = t.app.get(ToolkitService);
    toolId = await toolkit.create(admin, {
      kind: 'assessment_tool',
      themes: ['interaction_quality'],
      title: { fi: 'Vuorovaikutuksen itsearviointityökalu' },
      description: { fi: 'Kysely, jolla tiimi arvioi **vuorovaikutustaan**.' },
      position: 0,
    });
    caseId = await toolkit.submitCase(member, { title: 'Tiimin työkalukokeilu', description: 'Kokeilimme uutta työkalua.', themes: [], links: [] }, 'fi', (async function* () {})());
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('registers every kind with the one search', () => {
    expect(t.app.get(SearchSources).all().map((source) => source.kind)).toEqual(expect.arrayContaining(['programme', 'round', 'event', 'material', 'toolkit']));
  });

  describe('programmes', () => {
    it('finds a published programme by a compound part of its title, with its page and a marked snippet', async () => {
      const { items } = await find('programme', null, 'kulttuuri');
      expect(items).toEqual([
        expect.objectContaining({ kind: 'programme', id: programmeId, title: 'Johtamiskulttuurin kehittäminen', url: expect.stringMatching(/^\/programmes\/ohjelma-/) }),
      ]);
      // The description's Markdown is gone, and the word as written is marked.
      expect(items[0].snippetHtml).toContain('<mark>organisaatiokulttuuria</mark>');
      expect(items[0].snippetHtml).not.toContain('**');
    });

    it('finds the Swedish title by its Swedish words, and titles it in the reader’s language', async () => {
      const { items } = await find('programme', null, 'ledarskapskulturen', {}, 5, null, 'sv');
      expect(items.map((item) => [item.id, item.title])).toEqual([[programmeId, 'Utveckling av ledarskapskulturen']]);
    });

    it('shows a draft programme to admins only, not to its facilitators, members or guests', async () => {
      for (const reader of [null, outsider, programmeFacilitator]) expect(await ids('programme', reader, 'kulttuuri')).toEqual([programmeId]);
      expect((await ids('programme', admin, 'kulttuuri')).sort()).toEqual([programmeId, draftProgrammeId].sort());
    });

    it('pages by rank with a cursor, without repeating, and narrows to one programme', async () => {
      const first = await find('programme', admin, 'kulttuuri', {}, 1);
      expect(first.items).toHaveLength(1);
      expect(first.nextCursor).not.toBeNull();
      const second = await find('programme', admin, 'kulttuuri', {}, 1, first.nextCursor);
      expect(second.items).toHaveLength(1);
      expect(second.nextCursor).toBeNull();
      expect([first.items[0].id, second.items[0].id].sort()).toEqual([programmeId, draftProgrammeId].sort());
      expect(first.items[0].rank).toBeGreaterThanOrEqual(second.items[0].rank);
      expect(await ids('programme', admin, 'kulttuuri', { programmeId: draftProgrammeId })).toEqual([draftProgrammeId]);
    });
  });

  describe('rounds', () => {
    it('finds a published round by its place inflected and by a compound part, titled with its programme', async () => {
      for (const typed of ['Hämeenlinna', 'virasto']) {
        const { items } = await find('round', null, typed);
        expect(items).toEqual([
          expect.objectContaining({ kind: 'round', id: roundId, title: 'Johtamiskulttuurin kehittäminen: Syksy 2027 – ryhmä 1', url: `/cohorts/${roundId}`, context: 'Johtamiskulttuurin kehittäminen' }),
        ]);
        expect(items[0].date).toBeInstanceOf(Date);
      }
      expect((await find('round', null, 'Hämeenlinna')).items[0].snippetHtml).toContain('<mark>Hämeenlinnan</mark>');
    });

    it('names the round in the language of its programme’s title in the reader’s language', async () => {
      const swedish = (await find('round', null, 'virasto', {}, 5, null, 'sv')).items[0];
      expect(swedish.title).toBe(`Utveckling av ledarskapskulturen: ${cohortNameIn('Syksy 2027 – ryhmä 1', 'sv')}`);
      expect(swedish.title).not.toContain('Syksy');
      // The programme has no English title: the round's name stays Finnish beside the Finnish one.
      expect((await find('round', null, 'virasto', {}, 5, null, 'en')).items[0].title).toBe('Johtamiskulttuurin kehittäminen: Syksy 2027 – ryhmä 1');
    });

    it('shows a draft round to admins only', async () => {
      expect(await ids('round', member, 'virastotalo')).toEqual([roundId]);
      expect((await ids('round', admin, 'virastotalo')).sort()).toEqual([roundId, draftRoundId].sort());
    });

    it('filters by programme and by the days the round takes place on', async () => {
      expect(await ids('round', admin, 'virastotalo', { programmeId: draftProgrammeId })).toEqual([]);
      const [{ starts_at: startsAt, ends_at: endsAt }] = await db.query(`SELECT starts_at, ends_at FROM cohort WHERE id = $1`, [roundId]);
      // Up to and including the day it starts; from the day it ends.
      const dayOf = (date: Date) => new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
      expect(await ids('round', member, 'virastotalo', { to: dayOf(startsAt) })).toEqual([roundId]);
      expect(await ids('round', member, 'virastotalo', { to: new Date(dayOf(startsAt).getTime() - DAY) })).toEqual([]);
      expect(await ids('round', member, 'virastotalo', { from: dayOf(endsAt) })).toEqual([roundId]);
      expect(await ids('round', member, 'virastotalo', { from: new Date(endsAt.getTime() + DAY) })).toEqual([]);
    });
  });

  describe('network events', () => {
    it('finds an upcoming event by a compound part, leading to its place on the events page', async () => {
      const { items } = await find('event', null, 'päivä');
      expect(items).toEqual([expect.objectContaining({ kind: 'event', id: eventId, title: 'Kehittäjäpäivä syksyllä', url: `/events#event-${eventId}`, context: 'Säätytalo' })]);
      expect(items[0].snippetHtml).toContain('Koko verkoston');
      expect(await ids('event', null, 'syksy')).toEqual([eventId]);
    });

    it('leaves out a cancelled event and one that has ended, for admins too', async () => {
      const found = await ids('event', admin, 'kehittäjäpäivä');
      expect(found).toEqual([eventId]);
      expect(found).not.toContain(cancelledEventId);
      expect(found).not.toContain(pastEventId);
    });

    it('filters by the days it takes place on', async () => {
      const soon = new Date(Date.now() + 10 * DAY);
      expect(await ids('event', null, 'päivä', { to: soon })).toEqual([]);
      expect(await ids('event', null, 'päivä', { from: soon })).toEqual([eventId]);
    });
  });

  describe('materials', () => {
    it('finds a round’s and a session’s material for the round’s member and facilitator and admins, by an inflected compound part', async () => {
      for (const reader of [member, facilitator, admin]) {
        expect((await ids('material', reader, 'työkalu')).sort()).toEqual([roundMaterialId, sessionMaterialId].sort());
      }
      const { items } = await find('material', member, 'työkalu');
      const round = items.find((item) => item.id === roundMaterialId)!;
      expect(round).toMatchObject({ title: 'Ennakkotehtävä', url: `/cohorts/${roundId}#materials-cohort`, context: 'Johtamiskulttuurin kehittäminen: Syksy 2027 – ryhmä 1' });
      expect(round.snippetHtml).toContain('<mark>itsearviointityökaluja</mark>');
      const session = items.find((item) => item.id === sessionMaterialId)!;
      expect(session.url).toBe(`/cohorts/${roundId}/sessions/${sessionId}#materials-session`);
      expect(session.context).toMatch(/ – Johtamiskulttuurin kehittäminen: Syksy 2027 – ryhmä 1$/);
    });

    it('hides a round’s material from someone outside the round and from guests', async () => {
      expect(await ids('material', outsider, 'työkalu')).toEqual([]);
      expect(await ids('material', programmeFacilitator, 'työkalu')).toEqual([]);
      expect(await ids('material', null, 'työkalu')).toEqual([]);
    });

    it('shows a programme’s material to whoever sees the programme, a draft’s to its facilitators and admins', async () => {
      expect(await ids('material', null, 'käsi')).toEqual([programmeMaterialId]);
      expect(await ids('material', outsider, 'käsikirja')).toEqual([programmeMaterialId]);
      expect((await ids('material', programmeFacilitator, 'käsikirja')).sort()).toEqual([programmeMaterialId, draftProgrammeMaterialId].sort());
      expect((await ids('material', admin, 'käsikirja')).sort()).toEqual([programmeMaterialId, draftProgrammeMaterialId].sort());
      const { items } = await find('material', null, 'käsikirja');
      expect(items[0]).toMatchObject({ url: expect.stringMatching(/^\/programmes\/ohjelma-[0-9a-f]+#materials-programme$/), context: 'Johtamiskulttuurin kehittäminen' });
    });

    it('filters by programme', async () => {
      expect(await ids('material', admin, 'käsikirja', { programmeId: draftProgrammeId })).toEqual([draftProgrammeMaterialId]);
    });
  });

  describe('toolkit', () => {
    it('finds a published entry by a compound part, and never a case waiting for a decision', async () => {
      const { items } = await find('toolkit', null, 'työkalu');
      expect(items).toEqual([expect.objectContaining({ kind: 'toolkit', id: toolId, title: 'Vuorovaikutuksen itsearviointityökalu', url: `/toolkit/${toolId}`, context: 'Arviointityökalu' })]);
      // The title matched: the snippet is the description's start, its Markdown gone.
      expect(items[0].snippetHtml).toContain('Kysely, jolla tiimi arvioi vuorovaikutustaan.');
      // Not even its submitter, nor an admin, finds the case: it is on their own lists.
      for (const reader of [member, admin]) expect(await ids('toolkit', reader, 'työkalu')).toEqual([toolId]);
      expect(await ids('toolkit', admin, 'kokeilu')).not.toContain(caseId);
    });

    it('lets the toolkit page’s own box find inflected words too, as well as parts of words as written', async () => {
      const titles = async (q: string) => [...(await t.http.get(`/toolkit?q=${encodeURIComponent(q)}`)).text.matchAll(/<h3><a href="\/toolkit\/[0-9a-f-]+">([^<]+)<\/a><\/h3>/g)].map((match) => match[1]);
      // "työkalut" is nowhere as written: the entry holds "itsearviointityökalu".
      expect(await titles('työkalut')).toEqual(['Vuorovaikutuksen itsearviointityökalu']);
      expect(await titles('arviointityö')).toEqual(['Vuorovaikutuksen itsearviointityökalu']);
      // The box's words are analysed as a text's are, not left to the snowball stemmer.
      expect(await titles('työkaluista')).toEqual(['Vuorovaikutuksen itsearviointityökalu']);
      // … without storing them: a search writes nothing.
      expect(await db.query(`SELECT terms FROM search_word WHERE word = 'työkaluista'`)).toEqual([]);
      expect(await titles('kokeilu')).toEqual([]);
    });
  });

  describe('re-indexing', () => {
    it('rebuilds each kind’s vectors in batches after an id, learning the words first', async () => {
      await db.query(`UPDATE programme SET search = NULL`);
      await db.query(`DELETE FROM search_word WHERE word = 'johtamiskulttuurin'`);
      expect(await ids('programme', null, 'kulttuuri')).toEqual([]);
      const source = sourceOf('programme');
      const done: string[] = [];
      for (let after: string | null = null; ; ) {
        const last: string | null = await source.reindexBatch(after, 1);
        if (last === null) break;
        done.push(last);
        after = last;
      }
      expect(done).toEqual([...done].sort());
      expect(done.length).toBe(Number((await db.query(`SELECT count(*) AS n FROM programme`))[0].n));
      expect(await ids('programme', null, 'kulttuuri')).toEqual([programmeId]);
      for (const kind of ['round', 'event', 'material', 'toolkit'] as const) {
        expect(await sourceOf(kind).reindexBatch(null, 1000)).toEqual(expect.any(String));
      }
      expect(await ids('round', null, 'virasto')).toEqual([roundId]);
    });
  });

  it('answers the one search with every kind a guest may see, grouped by kind, a new query word analysed too', async () => {
    // "kulttuureista" is in no text, nor searched for before: only Voikko's reading of it finds "Johtamiskulttuurin".
    expect(await t.app.get(DataSource).query(`SELECT 1 FROM search_word WHERE word = 'kulttuureista'`)).toEqual([]);
    const answer = await t.app.get(SearchService).search(null, 'kulttuureista', 'fi', {});
    const found = (kind: SearchKind) => answer.groups.find((group) => group.kind === kind)?.items.map((item: Found) => item.id) ?? [];
    expect(found('programme')).toEqual([programmeId]);
    expect(found('material')).toEqual([]);
    const events = await t.app.get(SearchService).search(null, 'päivä', 'fi', { kind: 'event' });
    expect(events.groups.map((group) => [group.kind, group.items.map((item: Found) => item.id)])).toEqual([['event', [eventId]]]);
  });
});
