// Search over the discussion channels, on the real service and database: what a reflection thread
// shows in search before and after the reader has posted there, and which matches are ranked when a
// word is in more posts than the search ranks (ForumSearchService's CANDIDATES).
import { DataSource } from 'typeorm';
import { Actor } from '../src/access/capabilities';
import { Cohort } from '../src/catalogue/cohort.entity';
import { EnrolmentService } from '../src/enrolment/enrolment.service';
import { CANDIDATES, ForumSearchService } from '../src/forums/forum-search.service';
import { ForumsService, POSTS_PER_PAGE } from '../src/forums/forums.service';
import { ModerationService } from '../src/forums/moderation.service';
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

  const found = async (reader: Actor, words: string) => (await search.search(reader, words, 'fi', undefined, 100)).items.map((hit) => hit.postId);

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
});
