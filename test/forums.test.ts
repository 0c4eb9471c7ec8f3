// The discussion channels' rules, on the real service and database: who reads and posts where,
// threads and replies, the edit window, soft delete, moderation with its log, read positions and
// unread markers, keyset pages with no gaps or repeats while people post, and Finnish search.
import { DataSource } from 'typeorm';
import { Actor } from '../src/access/capabilities';
import { Cohort } from '../src/catalogue/cohort.entity';
import { EnrolmentService } from '../src/enrolment/enrolment.service';
import { ForumSearchService } from '../src/forums/forum-search.service';
import { ForumsService } from '../src/forums/forums.service';
import { ModerationService } from '../src/forums/moderation.service';
import { actorOf, createUser } from './support/accounts';
import { newCohort, refusal } from './support/catalogue';
import { startTestApp, TestApp } from './support/test-app';

describe('discussion channels', () => {
  let t: TestApp;
  let forums: ForumsService;
  let moderation: ModerationService;
  let search: ForumSearchService;
  let db: DataSource;
  let cohort: Cohort;
  let general: string;
  let announcements: string;
  let cohortChannel: string;
  let participant: Actor;
  let other: Actor;
  let outsider: Actor;
  let facilitator: Actor;
  let admin: Actor;

  beforeAll(async () => {
    t = await startTestApp({ FORUM_EDIT_WINDOW_MINUTES: '30' });
    forums = t.app.get(ForumsService);
    moderation = t.app.get(ModerationService);
    search = t.app.get(ForumSearchService);
    db = t.app.get(DataSource);
    facilitator = actorOf(await createUser(t, { displayName: 'Fanni Fasilitaattori' }));
    cohort = await newCohort(t, { facilitatorEmails: [facilitator.email], enrolmentOpensAt: new Date(Date.now() - 86_400_000), enrolmentClosesAt: new Date(Date.now() + 30 * 86_400_000), cancellationDeadline: null });
    participant = actorOf(await createUser(t, { displayName: 'Aino Virtanen' }));
    other = actorOf(await createUser(t, { displayName: 'Pekka Korhonen' }));
    outsider = actorOf(await createUser(t, { displayName: 'Olli Ulkopuolinen' }));
    admin = actorOf(await createUser(t, { siteRole: 'admin', displayName: 'Ada Admin' }));
    const enrolment = t.app.get(EnrolmentService);
    await enrolment.enrol(participant, cohort.id);
    await enrolment.enrol(other, cohort.id);
    const channels: { id: string; kind: string; cohort_id: string | null; name: { fi: string } }[] = await db.query(`SELECT id, kind, cohort_id, name FROM forum_channel`);
    general = channels.find((c) => c.name.fi === 'Yleinen keskustelu')!.id;
    announcements = channels.find((c) => c.kind === 'announcements')!.id;
    cohortChannel = channels.find((c) => c.cohort_id === cohort.id)!.id;
  });

  afterAll(async () => {
    await t.close();
  });

  it('gives every cohort its private forum, readable by its participants, facilitators and admins only', async () => {
    for (const who of [participant, facilitator, admin]) expect((await forums.channels(who, 'fi')).map((c) => c.id)).toContain(cohortChannel);
    expect((await forums.channels(outsider, 'fi')).map((c) => c.id)).not.toContain(cohortChannel);
    await expect(forums.threads(outsider, cohortChannel, 'fi')).rejects.toMatchObject({ status: 403 });
    await expect(forums.startThread(outsider, cohortChannel, { title: 'Hei', body: 'Kuuluuko tänne?' }, 'fi')).rejects.toMatchObject({ status: 403 });
  });

  it('lets only admins and facilitators start announcement threads', async () => {
    await expect(forums.startThread(participant, announcements, { title: 'Tiedote', body: 'Tärkeää asiaa' }, 'fi')).rejects.toMatchObject({ status: 403 });
    const { threadId } = await forums.startThread(facilitator, announcements, { title: 'Kevään ohjelma', body: 'Ohjelma on julkaistu.' }, 'fi');
    expect((await forums.threadPage(participant, threadId, 'fi')).posts).toHaveLength(1);
  });

  it('refuses empty, whitespace-only and too long titles and bodies, storing nothing', async () => {
    const before = await db.query(`SELECT count(*)::int AS n FROM forum_post`);
    expect(await refusal(forums.startThread(participant, general, { title: '   ', body: 'Teksti' }, 'fi'))).toEqual({ title: 'forum.title.required' });
    expect(await refusal(forums.startThread(participant, general, { title: 'x'.repeat(201), body: 'Teksti' }, 'fi'))).toEqual({ title: 'forum.title.tooLong?max=200' });
    expect(await refusal(forums.startThread(participant, general, { title: 'Otsikko', body: ' \n\t ' }, 'fi'))).toEqual({ body: 'forum.body.required' });
    expect(await refusal(forums.startThread(participant, general, { title: 'Otsikko', body: 'x'.repeat(20_001) }, 'fi'))).toEqual({ body: 'forum.body.tooLong?max=20000' });
    expect(await db.query(`SELECT count(*)::int AS n FROM forum_post`)).toEqual(before);
  });

  it('threads replies, shows what a reply answers, and keeps reply counts and unread markers right', async () => {
    const { threadId, postId } = await forums.startThread(participant, cohortChannel, { title: 'Välitehtävä', body: 'Mitä opitte **systeemiajattelusta**?' }, 'fi');
    const reply = await forums.reply(other, threadId, { body: 'Paljon!', replyToId: postId }, 'fi');
    const page = await forums.threadPage(participant, threadId, 'fi');
    expect(page.posts.map((p) => p.id)).toEqual([postId, reply.postId]);
    expect(page.posts[0].bodyHtml).toContain('<strong>systeemiajattelusta</strong>');
    expect(page.posts[1].replyTo).toMatchObject({ id: postId, authorName: 'Aino Virtanen' });
    expect(page.posts[1].unread).toBe(true);
    expect(page.thread.replyCount).toBe(1);
    const list = await forums.threads(participant, cohortChannel, 'fi');
    expect(list.items.find((th) => th.id === threadId)).toMatchObject({ unread: false, replyCount: 1 });
    await forums.reply(other, threadId, { body: 'Ja vielä yksi ajatus.' }, 'fi');
    expect((await forums.threads(participant, cohortChannel, 'fi')).items.find((th) => th.id === threadId)?.unread).toBe(true);
  });

  it('lets authors edit within the window and delete their own posts only', async () => {
    const { threadId, postId } = await forums.startThread(participant, general, { title: 'Muokattava', body: 'Ensimmäinen versio' }, 'fi');
    await expect(forums.editPost(other, postId, { body: 'Minun versioni' })).rejects.toMatchObject({ status: 403 });
    await forums.editPost(participant, postId, { body: 'Toinen versio' });
    let page = await forums.threadPage(participant, threadId, 'fi');
    expect(page.posts[0]).toMatchObject({ bodyHtml: '<p>Toinen versio</p>\n' });
    expect(page.posts[0].editedAt).not.toBeNull();
    await db.query(`UPDATE forum_post SET created_at = now() - interval '31 minutes' WHERE id = $1`, [postId]);
    expect(await refusal(forums.editPost(participant, postId, { body: 'Myöhästynyt' }))).toBe('forum.edit.windowPassed?minutes=30');
    await expect(forums.deletePost(other, postId)).rejects.toMatchObject({ status: 403 });
    await forums.deletePost(participant, postId);
    page = await forums.threadPage(other, threadId, 'fi');
    expect(page.posts[0]).toMatchObject({ deleted: true, bodyHtml: null });
  });

  it('refuses an author who has left the round the editing and deleting of their post in its forum, changing nothing', async () => {
    const leaver = actorOf(await createUser(t, { displayName: 'Leena Lähtijä' }));
    const enrolment = t.app.get(EnrolmentService);
    await enrolment.enrol(leaver, cohort.id);
    const { postId } = await forums.startThread(leaver, cohortChannel, { title: 'Lähden pian', body: 'Alkuperäinen teksti' }, 'fi');
    await enrolment.cancel(leaver, cohort.id, leaver.id, null);
    await expect(forums.editPost(leaver, postId, { body: 'Muutettu lähdön jälkeen' })).rejects.toMatchObject({ status: 403 });
    await expect(forums.deletePost(leaver, postId)).rejects.toMatchObject({ status: 403 });
    const [row] = await db.query(`SELECT body, edited_at, deleted_at FROM forum_post WHERE id = $1`, [postId]);
    expect(row).toEqual({ body: 'Alkuperäinen teksti', edited_at: null, deleted_at: null });
  });

  it('refuses posts in locked threads and archived channels, and moderation is logged', async () => {
    const { threadId } = await forums.startThread(participant, cohortChannel, { title: 'Lukittava', body: 'Keskustelu' }, 'fi');
    await expect(moderation.switchThread(participant, threadId, 'lock')).rejects.toMatchObject({ status: 403 });
    await moderation.switchThread(facilitator, threadId, 'lock');
    expect(await refusal(forums.reply(other, threadId, { body: 'Vielä?' }, 'fi'))).toBe('forum.thread.locked');
    await forums.reply(facilitator, threadId, { body: 'Valmentaja voi vielä kirjoittaa.' }, 'fi');
    await moderation.switchThread(facilitator, threadId, 'pin');
    const { postId } = await forums.reply(facilitator, threadId, { body: 'Piilotettava' }, 'fi');
    await moderation.hidePost(facilitator, postId, 'Asiaton');
    const history = await moderation.history(facilitator, threadId);
    expect(history.map((h) => h.action)).toEqual(['hide', 'pin', 'lock']);
    expect(history[0]).toMatchObject({ reason: 'Asiaton', actorName: 'Fanni Fasilitaattori' });
    const list = await forums.threads(participant, cohortChannel, 'fi');
    expect(list.items[0].id).toBe(threadId);
    await db.query(`UPDATE forum_channel SET archived_at = now() WHERE id = $1`, [general]);
    expect(await refusal(forums.startThread(participant, general, { title: 'Arkistoon', body: 'Ei onnistu' }, 'fi'))).toBe('forum.channel.archived');
    await db.query(`UPDATE forum_channel SET archived_at = NULL WHERE id = $1`, [general]);
  });

  it('shows a reflection thread’s replies to a participant only after they have posted', async () => {
    const { threadId } = await forums.startThread(facilitator, cohortChannel, { title: 'Reflektio', body: 'Mitä huomasit omassa työssäsi?' }, 'fi');
    await moderation.switchThread(facilitator, threadId, 'post_first_on');
    await forums.reply(other, threadId, { body: 'Huomasin kiireen.' }, 'fi');
    let page = await forums.threadPage(participant, threadId, 'fi');
    expect(page.gated).toBe(true);
    expect(page.posts).toHaveLength(1);
    await forums.reply(participant, threadId, { body: 'Minä huomasin hiljaisuuden.' }, 'fi');
    page = await forums.threadPage(participant, threadId, 'fi');
    expect(page.gated).toBe(false);
    expect(page.posts).toHaveLength(3);
  });

  it('pages a long thread 50 at a time with no gaps or repeats while new posts arrive', async () => {
    const { threadId, postId } = await forums.startThread(participant, general, { title: 'Pitkä ketju', body: 'Aloitus' }, 'fi');
    for (let i = 0; i < 120; i++) await forums.reply(other, threadId, { body: `Viesti ${i}` }, 'fi');
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await forums.threadPage(participant, threadId, 'fi', { cursor });
      seen.push(...page.posts.map((p) => p.id));
      // Someone posts while the reader pages.
      if (pages === 0) await forums.reply(other, threadId, { body: 'Uusi viesti kesken lukemisen' }, 'fi');
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    const all: { id: string }[] = await db.query(`SELECT id FROM forum_post WHERE thread_id = $1 ORDER BY created_at, id`, [threadId]);
    expect(seen).toEqual(all.map((p) => p.id));
    expect(seen[0]).toBe(postId);
    expect(pages).toBe(3);
  });

  it('finds posts by inflected Finnish words, only where the reader may read', async () => {
    await forums.startThread(participant, cohortChannel, { title: 'Kehittäjät', body: 'Kehittäjien verkosto kokoontuu keväällä.' }, 'fi');
    const hits = await search.search(participant, 'kehittäjä', 'fi');
    expect(hits.items.length).toBeGreaterThan(0);
    expect(hits.items[0].snippetHtml).toContain('<mark>');
    expect((await search.search(outsider, 'kehittäjä', 'fi')).items).toHaveLength(0);
  });
});
