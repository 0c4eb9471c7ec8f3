// Search over the discussion channels, on the real service and database: what a reflection thread
// shows in search before and after the reader has posted there, which matches are ranked when a
// word is in more posts than the search ranks (ForumSearchService's CANDIDATES), the filters of the
// one search, and posts as its source of results (PostSearchSource): links and re-indexing.
import { DataSource } from 'typeorm';
import { Actor } from '../src/access/capabilities';
import { Cohort } from '../src/catalogue/cohort.entity';
import { EnrolmentService } from '../src/enrolment/enrolment.service';
import { CANDIDATES, ForumSearchService } from '../src/forums/forum-search.service';
import { ForumsService, POSTS_PER_PAGE } from '../src/forums/forums.service';
import { ModerationService } from '../src/forums/moderation.service';
import { SearchSource, SearchSources } from '../src/search/search-sources';
import { actorOf, createUser } from './support/accounts';
import { newCohort } from './support/catalogue';
import { startTestApp, TestApp } from './support/test-app';

describe('forum search', () => {
  let t: TestApp;
  let forums: ForumsService;
  let search: ForumSearchService;
  let cohort: Cohort;
  let cohortChannel: string;
  let general: string;
  let participant: Actor;
  let other: Actor;
  let facilitator: Actor;

  const found = async (reader: Actor, words: string, filters = {}) => (await search.search(reader, words, 'fi', undefined, 100, filters)).items.map((hit) => hit.postId);
  const postSource = (): SearchSource => t.app.get(SearchSources).all().find((source) => source.kind === 'post')!;

  beforeAll(async () => {
    t = await startTestApp();
    forums = t.app.get(ForumsService);
    search = t.app.get(ForumSearchService);
    facilitator = actorOf(await createUser(t, { displayName: 'Fanni Fasilitaattori' }));
    cohort = await newCohort(t, { facilitatorEmails: [facilitator.email], enrolmentOpensAt: new Date(Date.now() - 86_400_000), enrolmentClosesAt: new Date(Date.now() + 30 * 86_400_000), cancellationDeadline: null });
    participant = actorOf(await createUser(t, { displayName: 'Aino Virtanen' }));
    other = actorOf(await createUser(t, { displayName: 'Pekka Korhonen' }));
    const enrolment = t.app.get(EnrolmentService);
    await enrolment.enrol(participant, cohort.id);
    await enrolment.enrol(other, cohort.id);
    const channels: { id: string; cohort_id: string | null; name: { fi?: string } }[] = await t.app.get(DataSource).query(`SELECT id, cohort_id, name FROM forum_channel`);
    cohortChannel = channels.find((c) => c.cohort_id === cohort.id)!.id;
    general = channels.find((c) => c.name.fi === 'Yleinen keskustelu')!.id;
  });

  afterAll(async () => {
    await t.close();
  });

  it('finds only the opening post and their own in a reflection thread until the reader has posted there', async () => {
    const { threadId, postId: opening } = await forums.startThread(facilitator, cohortChannel, { title: 'Pohdinta', body: 'Mitä opit palautekeskustelusta?' }, 'fi');
    await t.app.get(ModerationService).switchThread(facilitator, threadId, 'post_first_on');
    const { postId: others } = await forums.reply(other, threadId, { body: 'Palautekeskustelu yllätti minut.' }, 'fi');

    expect(await found(participant, 'palautekeskustelu')).toEqual([opening]);
    expect((await found(facilitator, 'palautekeskustelu')).sort()).toEqual([opening, others].sort());

    const { postId: own } = await forums.reply(participant, threadId, { body: 'Palautekeskustelu oli hyödyllinen.' }, 'fi');
    expect((await found(participant, 'palautekeskustelu')).sort()).toEqual([opening, others, own].sort());
  });

  it('ranks a word found in more posts than it ranks among its newest matches, and a rarer one among all', async () => {
    // The oldest posts say the word three times, so they would rank first if every match were ranked.
    const { threadId } = await forums.startThread(other, general, { title: 'Kokeiluviikot', body: 'Kokeiluviikko, kokeiluviikko ja kokeiluviikko.' }, 'fi');
    const oldest: string[] = [];
    for (let i = 0; i < 4; i++) oldest.push((await forums.reply(other, threadId, { body: `Kokeiluviikko kokeiluviikko kokeiluviikko ${i}. Harvinainen sana: tunturipuro.` }, 'fi')).postId);
    const newest: string[] = [];
    for (let i = 0; i < CANDIDATES; i++) newest.push((await forums.reply(participant, threadId, { body: `Yksi kokeiluviikko lisää (${i}).` }, 'fi')).postId);

    const common = await found(participant, 'kokeiluviikko');
    expect(common).toHaveLength(100);
    expect(common.every((id) => newest.includes(id))).toBe(true);
    expect((await found(participant, 'tunturipuro')).sort()).toEqual([...oldest].sort());
  });

  it('shows a snippet as plain text with the match marked, and finds the page of the thread the post is on', async () => {
    const { threadId, postId: opening } = await forums.startThread(other, general, { title: 'Pitkä ketju', body: 'Aloitus: **tähtikartoitus** alkaa.' }, 'fi');
    for (let i = 0; i < POSTS_PER_PAGE + 2; i++) await forums.reply(other, threadId, { body: `Väliviesti ${i}.` }, 'fi');
    const { postId: late } = await forums.reply(
      participant,
      threadId,
      { body: '# Otsikko\n\nTämä **tähtitieteellinen** _kokeilu_ ja [lähde](https://example.fi/opas), "lainaus" & muut' },
      'fi',
    );

    const hits = (await search.search(participant, 'tähtitieteellinen', 'fi')).items;
    expect(hits.map((hit) => hit.postId)).toEqual([late]);
    const [hit] = hits;
    expect(hit.snippetHtml).toContain('<mark>tähtitieteellinen</mark>');
    expect(hit.snippetHtml).toContain('lähde (https://example.fi/opas)');
    expect(hit.snippetHtml).toContain('&quot;lainaus&quot; &amp; muut');
    expect(hit.snippetHtml).toMatch(/^Otsikko Tämä/);
    expect(hit.snippetHtml).not.toMatch(/\*\*|_kokeilu_|#|\]\(/);
    // The post is the 54th: on the thread's second page (posts 51–54), which the cursor opens.
    expect(hit.pageCursor).not.toBeNull();
    const page = await forums.threadPage(participant, threadId, 'fi', { cursor: hit.pageCursor!, markRead: false });
    expect(page.posts.map((post) => post.id)).toContain(late);
    expect(page.posts).toHaveLength(4);

    const [first] = (await search.search(participant, 'tähtikartoitus', 'fi')).items;
    expect([first.postId, first.pageCursor, first.snippetHtml]).toEqual([opening, null, 'Aloitus: <mark>tähtikartoitus</mark> alkaa']);
  });

  it('pages through the results with the cursor, none twice', async () => {
    const { threadId } = await forums.startThread(other, general, { title: 'Sivutus', body: 'Kaarnaveneet lähtivät.' }, 'fi');
    for (let i = 0; i < 4; i++) await forums.reply(other, threadId, { body: `Kaarnavene numero ${i}.` }, 'fi');
    const first = await search.search(participant, 'kaarnavene', 'fi', undefined, 3);
    expect(first.items).toHaveLength(3);
    const second = await search.search(participant, 'kaarnavene', 'fi', first.nextCursor, 3);
    expect(second.nextCursor).toBeNull();
    const all = [...first.items, ...second.items].map((hit) => hit.postId);
    expect(new Set(all).size).toBe(5);
  });

  it('narrows to a channel, the forums of a programme\'s rounds, an author and the days written', async () => {
    const { postId: inRound } = await forums.startThread(facilitator, cohortChannel, { title: 'Talvi', body: 'Lumiukko rakennettiin pihalle.' }, 'fi');
    const { postId: inGeneral } = await forums.startThread(other, general, { title: 'Talvi', body: 'Lumiukko suli keväällä.' }, 'fi');
    await t.app.get(DataSource).query(`UPDATE forum_post SET created_at = '2026-01-10T12:00:00Z' WHERE id = $1`, [inGeneral]);

    expect((await found(participant, 'lumiukko')).sort()).toEqual([inRound, inGeneral].sort());
    expect(await found(participant, 'lumiukko', { channelId: general })).toEqual([inGeneral]);
    expect(await found(participant, 'lumiukko', { programmeId: cohort.programmeId })).toEqual([inRound]);
    expect(await found(participant, 'lumiukko', { authorId: other.id })).toEqual([inGeneral]);
    expect(await found(participant, 'lumiukko', { from: new Date('2026-01-10T00:00:00Z'), to: new Date('2026-01-10T00:00:00Z') })).toEqual([inGeneral]);
    expect(await found(participant, 'lumiukko', { to: new Date('2026-01-09T00:00:00Z') })).toEqual([]);
    expect(await found(participant, 'lumiukko', { from: new Date('2026-01-11T00:00:00Z') })).toEqual([inRound]);
    // A reader outside the round does not get its forum's posts by naming its programme.
    const outsider = actorOf(await createUser(t));
    expect(await found(outsider, 'lumiukko', { programmeId: cohort.programmeId })).toEqual([]);
    // An id that is none names nothing.
    expect(await found(participant, 'lumiukko', { channelId: 'yleinen' })).toEqual([]);
  });

  it('gives the one search each post found, titled by its thread and linked to itself on the page of its thread it is on; a guest none', async () => {
    const { threadId, postId: opening } = await forums.startThread(other, general, { title: 'Majakat', body: 'Majakanvartija kertoi tarinoita.' }, 'fi');
    for (let i = 0; i < POSTS_PER_PAGE; i++) await forums.reply(other, threadId, { body: `Väli ${i}.` }, 'fi');
    const { postId: late } = await forums.reply(participant, threadId, { body: 'Toinen majakanvartija vastasi.' }, 'fi');

    const page = await postSource().search({ actor: participant, typed: 'majakanvartija', analysed: {}, lang: 'fi', filters: {}, limit: 10 });
    const byId = new Map(page.items.map((item) => [item.id, item]));
    expect([...byId.keys()].sort()).toEqual([opening, late].sort());
    expect(byId.get(opening)).toMatchObject({ kind: 'post', title: 'Majakat', url: `/threads/${threadId}#post-${opening}`, context: 'Yleinen keskustelu', authorName: 'Pekka Korhonen' });
    expect(byId.get(late)!.url).toMatch(new RegExp(`^/threads/${threadId}\\?cursor=[^#]+#post-${late}$`));
    expect(byId.get(late)!.snippetHtml).toBe('Toinen <mark>majakanvartija</mark> vastasi');
    expect(byId.get(late)!.date).toBeInstanceOf(Date);

    expect(await postSource().search({ actor: null, typed: 'majakanvartija', analysed: {}, lang: 'fi', filters: {}, limit: 10 })).toEqual({ items: [], nextCursor: null });
  });

  it('re-indexes every post in batches, learning the words again first', async () => {
    const ds = t.app.get(DataSource);
    const { postId } = await forums.startThread(other, general, { title: 'Taivas', body: 'Revontulet loistivat taivaalla.' }, 'fi');
    // As before Voikko was installed: the word unknown and the post's vector without its base form.
    await ds.query(`DELETE FROM search_word WHERE word = 'revontulet'`);
    await ds.query(`UPDATE forum_post SET search = to_tsvector('simple', body) WHERE id = $1`, [postId]);
    expect(await found(participant, 'revontuli')).toEqual([]);

    const [{ posts }]: { posts: number }[] = await ds.query(`SELECT count(*)::int AS posts FROM forum_post`);
    let after: string | null = null;
    let batches = 0;
    while ((after = await postSource().reindexBatch(after, 50)) !== null) batches++;
    expect(batches).toBe(Math.ceil(posts / 50));
    expect(await found(participant, 'revontuli')).toEqual([postId]);
  });
});
