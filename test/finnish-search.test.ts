// Finnish search as a new user meets it, on the real app with Voikko (issue 20): a word finds the
// posts that hold it only inflected (consonant gradation, vowel stems, plural and case forms) or
// inside a compound; look-alikes do not; an exact form ranks before a base form before a compound
// part; the last word typed is a prefix; Swedish and English posts are found with their own
// stemmers; bad input gets a message, never a 500; and without Voikko the app falls back to the
// snowball stemmer and says so. Every pair below was checked against Voikko's own analyses.
import { Writable } from 'node:stream';
import { Actor } from '../src/access/capabilities';
import { FieldErrors } from '../src/errors/domain-errors';
import { ForumSearchService } from '../src/forums/forum-search.service';
import { ForumsService } from '../src/forums/forums.service';
import { SearchVocabulary } from '../src/search/search-vocabulary.service';
import { DataSource } from 'typeorm';
import { actorOf, createUser } from './support/accounts';
import { newCohort } from './support/catalogue';
import { startTestApp, TestApp } from './support/test-app';

/** [typed, the only form of it in a post, what makes it hard] */
const MATCHES: [string, string, string][] = [
  // The five.
  ['käsi', 'kädessä', 'gradation s/d, vowel stem'],
  ['jalka', 'jalkojen', 'plural genitive'],
  ['alue', 'keskustelualueella', 'compound part'],
  ['kulttuuri', 'johtamiskulttuuria', 'compound part, loan word'],
  ['työkalu', 'itsearviointityökalut', 'last two parts of a compound of four'],
  // Gradation k, p, t.
  ['joki', 'joessa', 'k/∅'],
  ['reikä', 'reiässä', 'k/∅'],
  ['tapa', 'tavalla', 'p/v'],
  ['kylpy', 'kylvyssä', 'p/v'],
  ['pöytä', 'pöydällä', 't/d'],
  ['katu', 'kadulla', 't/d'],
  ['äiti', 'äidin', 't/d'],
  ['kauppa', 'kaupassa', 'pp/p'],
  ['kukka', 'kukan', 'kk/k'],
  ['matto', 'matolla', 'tt/t'],
  // nk/ng, lt/ll, mp/mm, nt/nn, rt/rr.
  ['kenkä', 'kengät', 'nk/ng'],
  ['helsinki', 'Helsingissä', 'nk/ng, a name'],
  ['sänky', 'sängyssä', 'nk/ng'],
  ['ilta', 'illalla', 'lt/ll'],
  ['kulta', 'kullan', 'lt/ll'],
  ['kampa', 'kammalla', 'mp/mm'],
  ['lampi', 'lammessa', 'mp/mm'],
  ['ranta', 'rannalla', 'nt/nn'],
  ['kanta', 'kannat', 'nt/nn'],
  ['virta', 'virrassa', 'rt/rr'],
  ['parta', 'parran', 'rt/rr'],
  // Inverse gradation.
  ['hammas', 'hampaan', 'mm/mp, inverse'],
  ['rikas', 'rikkaan', 'k/kk, inverse'],
  ['opas', 'oppaassa', 'p/pp, inverse'],
  // Vowel stems.
  ['vesi', 'vedessä', 'si/de'],
  ['uusi', 'uuden', 'si/de'],
  ['vuosi', 'vuoden', 'si/de'],
  ['susi', 'suden', 'si/de'],
  ['lapsi', 'lapsen', 'i/e'],
  ['kieli', 'kielen', 'i/e'],
  ['nainen', 'naisen', 'nen/se'],
  ['ihminen', 'ihmisten', 'nen/s, plural genitive'],
  // Plural and case forms.
  ['talo', 'taloissa', 'plural inessive'],
  ['kirja', 'kirjoista', 'plural elative'],
  ['koulu', 'kouluihin', 'plural illative'],
  ['kurssi', 'kursseilla', 'plural adessive'],
  ['opettaja', 'opettajien', 'plural genitive'],
  // Compounds of two and three parts.
  ['verkosto', 'kehittäjäverkostossa', 'compound part'],
  ['keskustelu', 'palautekeskustelussa', 'compound part'],
  ['suunnitelma', 'opetussuunnitelmassa', 'compound part'],
  ['koulutus', 'täydennyskoulutuksessa', 'compound part'],
  ['ohjelma', 'koulutusohjelmaan', 'compound part'],
  ['ilta', 'iltapäivällä', 'first part of a compound'],
  ['arviointi', 'itsearviointityökalut', 'middle part of a compound of four'],
  ['työ', 'itsearviointityökalut', 'a part of a part'],
  // Loan words.
  ['strategia', 'strategioissa', 'loan word, plural'],
  ['workshop', 'workshopissa', 'loan word'],
  ['tiimi', 'tiimeissä', 'loan word, plural'],
  ['projekti', 'projekteissa', 'loan word, plural'],
  ['webinaari', 'webinaarissa', 'loan word'],
  ['koordinaattori', 'koordinaattorille', 'loan word'],
  ['innovaatio', 'innovaatioita', 'loan word, plural partitive'],
];

/** [typed, a post's word that looks alike but is another word] */
const NON_MATCHES: [string, string][] = [
  ['alue', 'aluksi'],
  ['käsi', 'kasi'],
  ['vesi', 'vessassa'],
  ['kenkä', 'kentällä'],
  ['lapsi', 'lapiolla'],
  ['kato', 'kadulla'],
  ['lakki', 'laissa'],
  ['tuli', 'tullissa'],
  ['kirja', 'kirjeessä'],
  ['matto', 'matkalla'],
  ['kulttuuri', 'kultissa'],
  // A compound's parts do not find the compound's whole.
  ['työkalu', 'työssä'],
];

/** The message key a search was refused with, or 'answered'; any other error is thrown on. */
async function refusal(asked: Promise<unknown>): Promise<string> {
  try {
    await asked;
    return 'answered';
  } catch (error) {
    if (error instanceof FieldErrors) return error.fields.q;
    throw error;
  }
}

describe('Finnish search with Voikko', () => {
  let t: TestApp;
  let forums: ForumsService;
  let search: ForumSearchService;
  let writer: Actor;
  let general: string;
  let roundForum: string;
  const postOf = new Map<string, string>();

  const found = async (words: string, channelId = general) =>
    (await search.search(writer, words, 'fi', undefined, 100, { channelId })).items.map((hit) => hit.postId);

  beforeAll(async () => {
    t = await startTestApp();
    expect(t.app.get(SearchVocabulary).analysis).toEqual({ analyser: 'voikko' });
    forums = t.app.get(ForumsService);
    search = t.app.get(ForumSearchService);
    const facilitator = await createUser(t, { displayName: 'Fanni Fasilitaattori' });
    writer = actorOf(facilitator);
    const cohort = await newCohort(t, { facilitatorEmails: [facilitator.email], enrolmentOpensAt: new Date(Date.now() - 86_400_000), enrolmentClosesAt: new Date(Date.now() + 30 * 86_400_000), cancellationDeadline: null });
    const channels: { id: string; cohort_id: string | null; name: { fi?: string } }[] = await t.app.get(DataSource).query(`SELECT id, cohort_id, name FROM forum_channel`);
    general = channels.find((c) => c.name.fi === 'Yleinen keskustelu')!.id;
    roundForum = channels.find((c) => c.cohort_id === cohort.id)!.id;

    // One post per word, each holding that word and nothing else a query here could find.
    const { threadId } = await forums.startThread(writer, general, { title: 'Sanaston koe', body: 'Jokaisessa vastauksessa on yksi sana.', language: 'fi' }, 'fi');
    const words = new Set([...MATCHES.map(([, word]) => word), ...NON_MATCHES.map(([, word]) => word)]);
    for (const word of words) postOf.set(word, (await forums.reply(writer, threadId, { body: `Sana: ${word}.`, language: 'fi' }, 'fi')).postId);
  });

  afterAll(async () => {
    await t.close();
  });

  it.each(MATCHES)('"%s" finds a post holding only "%s" (%s)', async (typed, word) => {
    expect(await found(typed)).toContain(postOf.get(word));
  });

  it.each(NON_MATCHES)('"%s" does not find a post holding "%s"', async (typed, word) => {
    expect(await found(typed)).not.toContain(postOf.get(word));
  });

  it('ranks the form typed before its base form, and that before a compound that holds it', async () => {
    const exact = (await forums.startThread(writer, roundForum, { title: 'Muistiinpanoja', body: 'Pidin vihkoa kädessä koko päivän.', language: 'fi' }, 'fi')).postId;
    const base = (await forums.startThread(writer, roundForum, { title: 'Tervehdys', body: 'Tervehdin kaikkia kädellä.', language: 'fi' }, 'fi')).postId;
    const part = (await forums.startThread(writer, roundForum, { title: 'Paja', body: 'Käsityöpajassa tehtiin koriste.', language: 'fi' }, 'fi')).postId;

    const hits = (await search.search(writer, 'kädessä', 'fi', undefined, 100, { channelId: roundForum })).items;
    expect(hits.map((hit) => hit.postId)).toEqual([exact, base, part]);
    expect(hits.map((hit) => Math.floor(hit.rank))).toEqual([3, 2, 1]);
    // The words marked are those written where the query matched.
    expect(hits.map((hit) => hit.snippetHtml)).toEqual(['Pidin vihkoa <mark>kädessä</mark> koko päivän', 'Tervehdin kaikkia <mark>kädellä</mark>', '<mark>Käsityöpajassa</mark> tehtiin koriste']);
    // The base form typed finds the same three, the compound last.
    const byBase = (await search.search(writer, 'käsi', 'fi', undefined, 100, { channelId: roundForum })).items.map((hit) => hit.postId);
    expect([byBase.slice(0, 2).sort(), byBase[2]]).toEqual([[exact, base].sort(), part]);
  });

  it('takes the last word typed as the start of a word, and only the last', async () => {
    const { postId } = await forums.startThread(writer, roundForum, { title: 'Verkostot', body: 'Kehittäjä tapasi illalla muita.', language: 'fi' }, 'fi');
    expect(await found('kehit', roundForum)).toEqual([postId]);
    expect(await found('illalla kehit', roundForum)).toEqual([postId]);
    expect(await found('kehit illalla', roundForum)).toEqual([]);
  });

  it('finds a Swedish post with a Swedish query and an English one with an English query, each stemmed in its language', async () => {
    const swedish = (await forums.startThread(writer, roundForum, { title: 'Samtal', body: 'Vi pratade om skolornas utveckling med deltagarna.', language: 'sv' }, 'fi')).postId;
    const english = (await forums.startThread(writer, roundForum, { title: 'Workshops', body: 'The facilitators were developing new workshops.', language: 'en' }, 'fi')).postId;

    const [sv] = (await search.search(writer, 'skola deltagare', 'sv', undefined, 100, { channelId: roundForum })).items;
    expect([sv.postId, sv.language]).toEqual([swedish, 'sv']);
    expect(sv.snippetHtml).toContain('<mark>skolornas</mark> utveckling med <mark>deltagarna</mark>');
    const [en] = (await search.search(writer, 'facilitator developed', 'en', undefined, 100, { channelId: roundForum })).items;
    expect([en.postId, en.language]).toEqual([english, 'en']);
    expect(en.snippetHtml).toContain('<mark>facilitators</mark> were <mark>developing</mark> new workshops');
  });

  it('answers bad input with a message about the field or with results, never with an error of the database', async () => {
    const ask = (typed: unknown) => search.search(writer, typed, 'fi', undefined, 100, { channelId: general });
    expect(await refusal(ask(''))).toBe('search.error.required');
    expect(await refusal(ask('   '))).toBe('search.error.required');
    expect(await refusal(ask(undefined))).toBe('search.error.required');
    expect(await refusal(ask('käsi '.repeat(200)))).toMatch(/^search\.error\.tooLong/);
    expect(await refusal(ask('?!… — ""'))).toBe('search.error.noWords');
    expect(await refusal(ask('&|!():*'))).toBe('search.error.noWords');
    expect(await refusal(ask('\u0000'))).toBe('search.error.required');
    expect(await refusal(ask('\uD800'))).toBe('search.error.required');

    // tsquery syntax is only ever words: these are the words foo and bar.
    expect((await ask("'foo' & !bar:*")).items).toEqual([]);
    expect((await ask('käsi & !(alue | kasi):*')).items).toEqual([]);
    // A lone surrogate or NUL is taken out; the words around it still count.
    expect((await ask('kädessä\uD800')).items.map((hit) => hit.postId)).toEqual([postOf.get('kädessä')]);
    expect((await ask('\uDC00käsi\u0000')).items.map((hit) => hit.postId)).toEqual([postOf.get('kädessä')]);
    // Finnish and Swedish mixed: every word must be in one post.
    expect((await ask('käsi och skolan')).items).toEqual([]);
    expect((await ask('Sana kädessä')).items.map((hit) => hit.postId)).toEqual([postOf.get('kädessä')]);
  });
});

describe('Finnish search without Voikko', () => {
  let t: TestApp;
  const logLines: string[] = [];

  beforeAll(async () => {
    const destination = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    t = await startTestApp({ VOIKKO_LIBRARY: '/nonexistent/libvoikko.so.1', LOG_LEVEL: 'warn' }, { logDestination: destination });
  });

  afterAll(async () => {
    await t.close();
  });

  it('starts, says once in the log that search falls back and how to install Voikko, and reports it as ready', async () => {
    const said = logLines.filter((line) => /falls back/.test(line));
    expect(said).toHaveLength(1);
    expect(JSON.parse(said[0]).msg).toMatch(/apt-get install libvoikko1 voikko-fi.*npm run search:reindex/);

    const res = await t.http.get('/health/ready').expect(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.search).toEqual({ analyser: 'snowball', reason: expect.any(String), help: expect.stringContaining('apt-get install libvoikko1 voikko-fi') });
  });

  it('still finds inflected forms by the snowball stem', async () => {
    const writer = actorOf(await createUser(t));
    const [general]: { id: string }[] = await t.app.get(DataSource).query(`SELECT id FROM forum_channel WHERE name->>'fi' = 'Yleinen keskustelu'`);
    const { postId } = await t.app.get(ForumsService).startThread(writer, general.id, { title: 'Verkosto', body: 'Uusi kehittäjä liittyi mukaan.', language: 'fi' }, 'fi');
    const hits = (await t.app.get(ForumSearchService).search(writer, 'kehittäjien', 'fi')).items;
    expect(hits.map((hit) => hit.postId)).toEqual([postId]);
    expect(hits[0].snippetHtml).toBe('Uusi <mark>kehittäjä</mark> liittyi mukaan');
  });
});
