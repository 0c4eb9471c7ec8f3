// The one search, as a reader uses it at /search and a program at GET /api/v1/search, on the real
// sources the areas register: posts, programmes, rounds and events found from the same box and
// grouped by kind in one order; a guest finds what anyone may see and a member also the
// discussions; each filter (kind, channel, programme, author, dates) narrows, and a filter a kind
// does not have leaves that kind out; a few best of each kind with "show more", a kind's own pages
// by cursor; "did you mean" only when it would find something; and every kind of bad input a clear
// message next to its field, never a 500.
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { Cohort } from '../src/catalogue/cohort.entity';
import { NetworkEventsService } from '../src/calendar/network-events.service';
import { EnrolmentService } from '../src/enrolment/enrolment.service';
import { ForumsService } from '../src/forums/forums.service';
import { ApiTokensService } from '../src/identity/api-tokens.service';
import { SEARCH_KINDS } from '../src/search/search-sources';
import { actorOf, createUser, signIn, WebClient } from './support/accounts';
import { adminId, newCohort, newProgramme } from './support/catalogue';
import { startTestApp, TestApp } from './support/test-app';

const DAY = 86_400_000;
const OPEN_NOW = { enrolmentOpensAt: new Date(Date.now() - DAY), enrolmentClosesAt: new Date(Date.now() + 30 * DAY), cancellationDeadline: null };

type User = Awaited<ReturnType<typeof createUser>>;
interface Group {
  kind: string;
  items: { kind: string; id: string; title: string; url: string; snippetHtml: string; context: string | null; authorName: string | null; date: string | null }[];
  nextCursor: string | null;
}

/** Handlebars escapes "=", "'" and "`" in text; a browser reads them back. */
const html = (text: string) => text.replace(/&#x3D;/g, '=').replace(/&#x27;/g, "'").replace(/&#x60;/g, '`').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
/** The message shown next to an input. */
const fieldError = (page: string, id: string) => html(new RegExp(`<p class="field__error" id="${id}-error">([^<]*)</p>`).exec(page)?.[1] ?? '');
/** The headings of the result groups, in order. */
const groupHeadings = (page: string) => [...page.matchAll(/<h2 id="search-(\w+)-heading">([^<]*)<\/h2>/g)].map((m) => ({ kind: m[1], heading: html(m[2]) }));
const q = (text: string) => encodeURIComponent(text);

describe('one search', () => {
  let t: TestApp;
  let db: DataSource;
  let forums: ForumsService;
  let cohort: Cohort;
  let otherProgrammeId: string;
  let general: string;
  let cohortChannel: string;
  let aino: User;
  let pekka: User;
  let olli: User;
  let ainoWeb: WebClient;
  let olliWeb: WebClient;
  let ainoToken: string;
  let olliToken: string;
  let handPost: string;

  const api = (path: string, token: string | null = ainoToken) => {
    const request = t.http.get(path);
    return token ? request.set('authorization', `Bearer ${token}`) : request;
  };
  const groupsOf = (res: Response): Group[] => res.body.groups;
  const group = (res: Response, kind: string) => groupsOf(res).find((g) => g.kind === kind);

  async function thread(author: User, channelId: string, title: string, body: string, language = 'fi') {
    return forums.startThread(actorOf(author), channelId, { title, body, language }, 'fi');
  }

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    forums = t.app.get(ForumsService);
    const programme = await newProgramme(t, {
      title: { fi: 'Käsi kädessä virastojen kanssa', sv: 'Hand i hand med myndigheterna', en: 'Hand in hand with the agencies' },
      summary: { fi: 'Yhteiskehittelyä käsi kädessä.', sv: 'Samutveckling hand i hand.', en: 'Co-development hand in hand.' },
    });
    cohort = await newCohort(t, { programmeId: programme.id, name: 'Kevät 2027 – Haku', ...OPEN_NOW });
    otherProgrammeId = (await newProgramme(t)).id;
    aino = await createUser(t, { displayName: 'Aino Virtanen' });
    pekka = await createUser(t, { displayName: 'Pekka Korhonen' });
    olli = await createUser(t, { displayName: 'Olli Ulkopuolinen' });
    const enrolment = t.app.get(EnrolmentService);
    await enrolment.enrol(actorOf(aino), cohort.id);
    await enrolment.enrol(actorOf(pekka), cohort.id);
    const channels: { id: string; cohort_id: string | null; name: { fi: string } }[] = await db.query(`SELECT id, cohort_id, name FROM forum_channel`);
    general = channels.find((c) => c.name.fi === 'Yleinen keskustelu')!.id;
    cohortChannel = channels.find((c) => c.cohort_id === cohort.id)!.id;

    handPost = (await thread(aino, general, 'Työkalut', 'Pidä kynä kädessä, kun fasilitoit.')).postId;
    await thread(pekka, cohortChannel, 'Ryhmän kuulumiset', 'Kädet ylös: kuka tulee toukokuussa?');
    await thread(aino, general, 'Kulttuurista', 'Johtamiskulttuuria uudistetaan, ja kulttuuri muuttuu hitaasti.');
    await thread(pekka, general, 'Utvecklardagen', 'Vi träffas på utvecklardagarna i maj.', 'sv');
    await t.app.get(NetworkEventsService).create(await adminId(t), {
      title: { fi: 'Käsien taidot -työpaja', sv: 'Händernas verkstad', en: 'Hands-on workshop' },
      description: { fi: 'Tehdään käsillä.' },
      startsAt: new Date(Date.now() + 20 * DAY),
      endsAt: new Date(Date.now() + 20 * DAY + 3 * 3_600_000),
      place: 'Helsinki',
      meetingLink: null,
    });
    for (let n = 1; n <= 7; n++) {
      await newProgramme(t, {
        title: { fi: `Systeemikartta ${n}`, sv: `Systemkarta ${n}`, en: `Systems map ${n}` },
        summary: { fi: 'Systeemikartan piirtäminen yhdessä.', sv: 'Att rita en systemkarta.', en: 'Drawing a systems map.' },
      });
    }
    const tokens = t.app.get(ApiTokensService);
    ainoToken = (await tokens.issue(aino.id, { name: 'search test' })).token;
    olliToken = (await tokens.issue(olli.id, { name: 'search test' })).token;
    [ainoWeb, olliWeb] = await Promise.all([aino, olli].map((user) => signIn(t, user.email)));
  }, 120_000);

  afterAll(() => t?.close());

  it('finds posts, programmes and events from one box, grouped by kind in one order, the post linked to itself', async () => {
    const res = await api(`/api/v1/search?q=${q('käsi')}`).expect(200);
    expect(res.body.query).toBe('käsi');
    const kinds = groupsOf(res).map((g) => g.kind);
    expect(kinds).toEqual(expect.arrayContaining(['post', 'programme', 'event']));
    expect(kinds).toEqual([...kinds].sort((a, b) => SEARCH_KINDS.indexOf(a as never) - SEARCH_KINDS.indexOf(b as never)));
    const posts = group(res, 'post')!;
    const found = posts.items.find((item) => item.id === handPost)!;
    expect(found).toEqual({
      kind: 'post',
      id: handPost,
      title: 'Työkalut',
      url: expect.stringMatching(new RegExp(`^/threads/[0-9a-f-]{36}#post-${handPost}$`)),
      snippetHtml: expect.stringContaining('<mark>kädessä</mark>'),
      context: 'Yleinen keskustelu',
      authorName: 'Aino Virtanen',
      date: expect.any(String),
    });
    // The round's forum is Aino's: her group's post is found too.
    expect(posts.items.map((item) => item.title)).toContain('Ryhmän kuulumiset');
    expect(group(res, 'programme')!.items.map((item) => item.title)).toContain('Käsi kädessä virastojen kanssa');
    expect(group(res, 'event')!.items.map((item) => item.title)).toContain('Käsien taidot -työpaja');
    expect(res.body.didYouMean).toBeNull();

    const page = await ainoWeb.get(`/search?q=${q('käsi')}`);
    expect(page.status).toBe(200);
    const headings = groupHeadings(page.text);
    expect(headings.map((h) => h.kind)).toEqual(kinds);
    expect(headings[0].heading).toMatch(/^Keskustelut \(\d+\)$/);
    expect(page.text).toContain(`href="${found.url}">Työkalut</a>`);
    expect(page.text).toContain('<mark>kädessä</mark>');
    expect(page.text).toContain('value="käsi"');
  });

  it('finds a Swedish post by a Swedish word, and takes the last word typed as the start of a word', async () => {
    const swedish = await api(`/api/v1/search?q=${q('utvecklardag')}&kind=post`).expect(200);
    expect(group(swedish, 'post')!.items.map((item) => item.title)).toEqual(['Utvecklardagen']);
    const prefix = await api(`/api/v1/search?q=${q('fasilito')}&kind=post`).expect(200);
    expect(group(prefix, 'post')!.items.map((item) => item.title)).toEqual(['Työkalut']);
  });

  it('shows a guest only what anyone may see, a member also their discussions, and an outsider not another round’s', async () => {
    const guest = await api(`/api/v1/search?q=${q('käsi')}`, null).expect(200);
    expect(groupsOf(guest).map((g) => g.kind)).not.toContain('post');
    expect(groupsOf(guest).map((g) => g.kind)).toEqual(expect.arrayContaining(['programme', 'event']));
    const guestPage = await t.http.get(`/search?q=${q('käsi')}`);
    expect(guestPage.status).toBe(200);
    expect(guestPage.text).not.toContain('Pidä kynä');
    expect(guestPage.text).toContain('Käsi kädessä virastojen kanssa');

    const outsider = await api(`/api/v1/search?q=${q('käsi')}`, olliToken).expect(200);
    const titles = group(outsider, 'post')!.items.map((item) => item.title);
    expect(titles).toContain('Työkalut');
    expect(titles).not.toContain('Ryhmän kuulumiset');
    const outsiderPage = await olliWeb.get(`/search?q=${q('käsi')}`);
    expect(outsiderPage.text).toContain('Pidä kynä');
    expect(outsiderPage.text).not.toContain('Ryhmän kuulumiset');
  });

  it('shows a few of each kind with a link to more, and pages one kind by its cursor', async () => {
    const all = await api(`/api/v1/search?q=${q('systeemikartta')}`).expect(200);
    const programmes = group(all, 'programme')!;
    expect(programmes.items).toHaveLength(5);
    expect(programmes.nextCursor).not.toBeNull();

    const page = await ainoWeb.get(`/search?q=${q('systeemikartta')}`);
    expect(groupHeadings(page.text)).toContainEqual({ kind: 'programme', heading: 'Valmennusohjelmat (5+)' });
    expect(html(page.text)).toContain(`<a href="/search?q=${q('systeemikartta')}&kind=programme">Näytä lisää: Valmennusohjelmat</a>`);

    const chosen = await api(`/api/v1/search?q=${q('systeemikartta')}&kind=programme`).expect(200);
    expect(groupsOf(chosen).map((g) => g.kind)).toEqual(['programme']);
    expect(group(chosen, 'programme')!.items).toHaveLength(7);
    expect(group(chosen, 'programme')!.nextCursor).toBeNull();

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: Response = await api(`/api/v1/search?q=${q('systeemikartta')}&kind=programme&limit=3${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
      const one: Group = group(res, 'programme')!;
      expect(one.items.length).toBeLessThanOrEqual(3);
      seen.push(...one.items.map((item) => item.id));
      cursor = one.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);

    // The page's next-page link carries the kind and the cursor.
    const kindPage = await ainoWeb.get(`/search?q=${q('systeemikartta')}&kind=programme`);
    expect(kindPage.status).toBe(200);
    expect(kindPage.text).toContain('<option value="programme" selected>Valmennusohjelmat</option>');
    expect(groupHeadings(kindPage.text)).toEqual([{ kind: 'programme', heading: 'Valmennusohjelmat (7)' }]);
  });

  it('narrows by channel (posts only), programme, author and dates', async () => {
    const inChannel = await api(`/api/v1/search?q=${q('käsi')}&channel=${general}`).expect(200);
    expect(groupsOf(inChannel).map((g) => g.kind)).toEqual(['post']);
    expect(group(inChannel, 'post')!.items.map((item) => item.title)).toEqual(['Työkalut']);

    const inProgramme = await api(`/api/v1/search?q=${q('käsi')}&programme=${cohort.programmeId}`).expect(200);
    expect(group(inProgramme, 'post')!.items.map((item) => item.title)).toEqual(['Ryhmän kuulumiset']);
    expect(group(inProgramme, 'programme')!.items.map((item) => item.title)).toEqual(['Käsi kädessä virastojen kanssa']);
    // Events belong to no programme: left out.
    expect(group(inProgramme, 'event')).toBeUndefined();
    const elsewhere = await api(`/api/v1/search?q=${q('käsi')}&programme=${otherProgrammeId}`).expect(200);
    expect(groupsOf(elsewhere)).toEqual([]);

    const byPekka = await api(`/api/v1/search?q=${q('käsi')}&author=${pekka.id}`).expect(200);
    expect(groupsOf(byPekka).map((g) => g.kind)).toEqual(['post']);
    expect(group(byPekka, 'post')!.items.map((item) => item.authorName)).toEqual(['Pekka Korhonen']);

    const day = (offset: number) => new Date(Date.now() + offset * DAY).toLocaleDateString('sv-SE', { timeZone: 'Europe/Helsinki' });
    const today = await api(`/api/v1/search?q=${q('käsi')}&kind=post&from=${day(-1)}&to=${day(1)}`).expect(200);
    expect(group(today, 'post')!.items.length).toBeGreaterThanOrEqual(2);
    const later = await api(`/api/v1/search?q=${q('käsi')}&kind=post&from=${day(2)}`).expect(200);
    expect(groupsOf(later)).toEqual([]);
    // The event three weeks ahead is within a range around it, not before it.
    const aroundEvent = await api(`/api/v1/search?q=${q('käsi')}&kind=event&from=${day(19)}&to=${day(21)}`).expect(200);
    expect(group(aroundEvent, 'event')!.items.map((item) => item.title)).toEqual(['Käsien taidot -työpaja']);
    const beforeEvent = await api(`/api/v1/search?q=${q('käsi')}&kind=event&to=${day(5)}`).expect(200);
    expect(groupsOf(beforeEvent)).toEqual([]);

    // The page keeps a link's narrowing in the form and offers to remove it.
    const page = await ainoWeb.get(`/search?q=${q('käsi')}&channel=${general}`);
    expect(page.text).toContain(`<input type="hidden" name="channel" value="${general}">`);
    expect(page.text).toContain('Haku on rajattu yhteen keskustelukanavaan.');
    expect(groupHeadings(page.text).map((h) => h.kind)).toEqual(['post']);
  });

  it('offers "did you mean" from Voikko’s suggestions only when the corrected words find something', async () => {
    const misspelt = await api(`/api/v1/search?q=${q('kultuuri')}`).expect(200);
    expect(misspelt.body.groups).toEqual([]);
    expect(misspelt.body.didYouMean).toBe('kulttuuri');
    const corrected = await api(`/api/v1/search?q=${q('kulttuuri')}`).expect(200);
    expect(group(corrected, 'post')!.items.map((item) => item.title)).toContain('Kulttuurista');

    const page = await ainoWeb.get(`/search?q=${q('kultuuri')}`);
    expect(page.status).toBe(200);
    expect(html(page.text)).toContain('Tarkoititko: <a href="/search?q=kulttuuri">kulttuuri</a>');

    // Spelled right, or corrected to a word nothing holds: nothing to offer.
    expect((await api(`/api/v1/search?q=${q('kirahvi')}`).expect(200)).body.didYouMean).toBeNull();
    const nothing = await api(`/api/v1/search?q=${q('elefanntti')}`).expect(200);
    expect(nothing.body).toEqual({ query: 'elefanntti', groups: [], didYouMean: null });
    const nothingPage = await ainoWeb.get(`/search?q=${q('elefanntti')}`);
    expect(nothingPage.text).toContain('Haulla ei löytynyt mitään.');
    expect(nothingPage.text).not.toContain('Tarkoititko');
  });

  it('tells what is wrong with the question next to its field, on the page and in the API, never a 500', async () => {
    const cases: { query: string; field: string; page: string; api: string }[] = [
      { query: 'q=', field: 'q', page: 'Kirjoita hakusana.', api: 'Write a search term.' },
      { query: 'q=%20%20', field: 'q', page: 'Kirjoita hakusana.', api: 'Write a search term.' },
      { query: `q=${'a'.repeat(1000)}`, field: 'q', page: 'Haku voi olla enintään 200 merkkiä pitkä.', api: 'The search can be at most 200 characters long.' },
      { query: `q=${q('?!.,;-- ...')}`, field: 'q', page: 'Kirjoita vähintään yksi sana: pelkillä välimerkeillä ei voi hakea.', api: 'Write at least one word: punctuation alone cannot be searched for.' },
      { query: `q=${q('&|!():*')}`, field: 'q', page: 'Kirjoita vähintään yksi sana: pelkillä välimerkeillä ei voi hakea.', api: 'Write at least one word: punctuation alone cannot be searched for.' },
      { query: 'q=k%C3%A4si&kind=kissa', field: 'kind', page: 'Valitse, mistä haetaan, luettelon vaihtoehdoista.', api: 'Choose what to search in from the list.' },
      { query: 'q=k%C3%A4si&from=2027-02-30', field: 'from', page: 'Anna päivä muodossa vvvv-kk-pp (esimerkiksi 2027-03-16).', api: 'Give the day as yyyy-mm-dd (for example 2027-03-16).' },
      { query: 'q=k%C3%A4si&to=16.3.2027', field: 'to', page: 'Anna päivä muodossa vvvv-kk-pp (esimerkiksi 2027-03-16).', api: 'Give the day as yyyy-mm-dd (for example 2027-03-16).' },
      { query: 'q=k%C3%A4si&from=2027-05-01&to=2027-04-01', field: 'to', page: 'Loppupäivä ei voi olla ennen alkupäivää.', api: 'The end day cannot be before the start day.' },
    ];
    for (const c of cases) {
      const page = await ainoWeb.get(`/search?${c.query}`);
      expect([c.query, page.status]).toEqual([c.query, 400]);
      expect(fieldError(page.text, `search-${c.field}`)).toBe(c.page);
      const res = await api(`/api/v1/search?${c.query}`);
      expect([c.query, res.status]).toEqual([c.query, 400]);
      expect(res.body.fields).toEqual({ [c.field]: c.api });
    }
    // What was typed is kept in the form.
    const long = await ainoWeb.get(`/search?q=${'a'.repeat(1000)}&kind=event&from=2027-01-01`);
    expect(long.text).toContain(`value="${'a'.repeat(1000)}"`);
    expect(long.text).toContain('<option value="event" selected>Tapahtumat</option>');
    expect(long.text).toContain('value="2027-01-01"');

    // Filters from links: not an id, a cursor without a kind or not ours.
    expect((await api(`/api/v1/search?q=k%C3%A4si&channel=kanava`).expect(400)).body.fields).toEqual({ channel: 'This filter is not valid: remove it and search again.' });
    expect((await api(`/api/v1/search?q=k%C3%A4si&author=1`).expect(400)).body.fields).toHaveProperty('author');
    expect((await api(`/api/v1/search?q=k%C3%A4si&cursor=WzEsMl0`).expect(400)).body.fields).toHaveProperty('cursor');
    expect((await api(`/api/v1/search?q=k%C3%A4si&kind=post&cursor=bm90LWEtY3Vyc29y`).expect(400)).body.fields).toHaveProperty('cursor');
    expect((await api(`/api/v1/search?q=k%C3%A4si&limit=0`).expect(400)).body.fields).toHaveProperty('limit');
    const badLink = await ainoWeb.get(`/search?q=k%C3%A4si&programme=ohjelma`);
    expect(badLink.status).toBe(400);
    expect(html(badLink.text)).toContain('Rajaus ei ole kelvollinen: poista se ja hae uudelleen.');

    // What PostgreSQL cannot hold is refused at the door; anything else with a word in it is searched.
    for (const bad of ['q=*:*', 'q=k%C3%A4si%00', 'q=%ED%A0%80', 'q=k%C3%A4si%ED%A0%80']) {
      expect([bad, (await ainoWeb.get(`/search?${bad}`)).status]).toEqual([bad, 400]);
      expect([bad, (await api(`/api/v1/search?${bad}`)).status]).toEqual([bad, 400]);
    }
    for (const typed of ['käsi & | ! ( ) : *', 'käsi:*', '!käsi', '"käsi', 'käsi) | (', "kädessä och handen i hand", 'o\'neill -käsi', '(((((käsi']) {
      const page = await ainoWeb.get(`/search?q=${q(typed)}`);
      expect([typed, page.status]).toEqual([typed, 200]);
      const res = await api(`/api/v1/search?q=${q(typed)}`);
      expect([typed, res.status]).toEqual([typed, 200]);
    }
    // Finnish and Swedish in one question: an answer, in the language asked for.
    const mixed = await api(`/api/v1/search?q=${q('kädessä hand i hand')}&lang=sv`).expect(200);
    expect(mixed.body).toEqual({ query: 'kädessä hand i hand', groups: expect.any(Array), didYouMean: null });
  });

  it('is documented in the OpenAPI description under search, its token optional', async () => {
    const doc = (await t.http.get('/api/docs/openapi.json').expect(200)).body;
    const operation = doc.paths['/api/v1/search'].get;
    expect(operation.tags).toEqual(['search']);
    expect(operation.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(operation.responses).sort()).toEqual(['200', '400']);
    expect(operation.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['q', 'kind', 'channel', 'programme', 'author', 'from', 'to', 'cursor', 'limit', 'lang']));
    expect(Object.keys(doc.components.schemas.FoundDto.properties).sort()).toEqual(['authorName', 'context', 'date', 'id', 'kind', 'snippetHtml', 'title', 'url']);
  });

  it('shows the empty form without a question, and is linked from every page’s header', async () => {
    const blank = await t.http.get('/search');
    expect(blank.status).toBe(200);
    expect(blank.text).toContain('<label for="search-q">Hakusanat</label>');
    expect(blank.text).not.toContain('search-group');
    expect(blank.text).toContain('<a href="/search">Haku</a>');
    const swedish = await t.http.get('/search?q=hand').set('cookie', 'lang=sv');
    expect(swedish.status).toBe(200);
    expect(swedish.text).toContain('<label for="search-q">Sökord</label>');
  });
});
