// The discussion channels' JSON API through HTTP on a real PostgreSQL: channels, threads and posts
// as the pages show them, cursor pages, writing, editing and deleting with their refusals, a round's
// forum closed to outsiders and to people only on its waitlist, and Finnish search; and that
// nothing a client can send gets a 500 or stores half a post.
import type { Response, Test } from 'supertest';
import { DataSource } from 'typeorm';
import { Actor } from '../src/access/capabilities';
import { Cohort } from '../src/catalogue/cohort.entity';
import { EnrolmentService } from '../src/enrolment/enrolment.service';
import { ModerationService } from '../src/forums/moderation.service';
import { ApiTokensService } from '../src/identity/api-tokens.service';
import { actorOf, createUser } from './support/accounts';
import { newCohort } from './support/catalogue';
import { startTestApp, TestApp } from './support/test-app';

const DAY = 86_400_000;
/** Enrolment open now. */
const OPEN_NOW = { enrolmentOpensAt: new Date(Date.now() - DAY), enrolmentClosesAt: new Date(Date.now() + 30 * DAY), cancellationDeadline: null };
const NOT_A_UUID = 'not-a-uuid';

interface Person {
  actor: Actor;
  token: string;
}

describe('discussion channels API', () => {
  let t: TestApp;
  let db: DataSource;
  let cohort: Cohort;
  let general: string;
  let announcements: string;
  let cohortChannel: string;
  let aino: Person;
  let pekka: Person;
  let fanni: Person;
  let olli: Person;
  let admin: Person;

  async function person(displayName: string, siteRole: 'admin' | null = null): Promise<Person> {
    const user = await createUser(t, { displayName, siteRole });
    return { actor: actorOf(user), token: (await t.app.get(ApiTokensService).issue(user.id, { name: 'api-forums test' })).token };
  }

  const as = (request: Test, who: Person | null) => (who ? request.set('authorization', `Bearer ${who.token}`) : request);
  const get = (url: string, who: Person | null) => as(t.http.get(url), who);
  const post = (url: string, body: unknown, who: Person | null) => as(t.http.post(url), who).send(body as object);
  const patch = (url: string, body: unknown, who: Person | null) => as(t.http.patch(url), who).send(body as object);
  const del = (url: string, who: Person | null) => as(t.http.delete(url), who);
  const startThread = (channelId: string, body: object, who: Person) => post(`/api/v1/channels/${channelId}/threads`, body, who);
  const reply = (threadId: string, body: object, who: Person) => post(`/api/v1/threads/${threadId}/posts`, body, who);
  const count = async (table: 'forum_thread' | 'forum_post'): Promise<number> => (await db.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
  const stored = async () => ({ threads: await count('forum_thread'), posts: await count('forum_post') });
  /** The reason code of a 403, with the English sentence that goes with it. */
  const forbiddenCode = (body: { statusCode: number; code?: string; message?: string }) => {
    expect(body).toMatchObject({ statusCode: 403, error: 'Forbidden', message: expect.stringMatching(/^[A-Z].* /) });
    return body.code;
  };

  /** A thread started through the API by `who`, with the id of its opening post. */
  async function thread(channelId: string, who: Person, title = 'Ketju', body = 'Aloitusviesti'): Promise<{ id: string; postId: string }> {
    const res = await startThread(channelId, { title, body }, who).expect(201);
    return { id: res.body.id, postId: res.body.firstPost.id };
  }

  beforeAll(async () => {
    t = await startTestApp({ FORUM_EDIT_WINDOW_MINUTES: '30' });
    db = t.app.get(DataSource);
    fanni = await person('Fanni Fasilitaattori');
    aino = await person('Aino Virtanen');
    pekka = await person('Pekka Korhonen');
    olli = await person('Olli Ulkopuolinen');
    admin = await person('Ada Admin', 'admin');
    cohort = await newCohort(t, { facilitatorEmails: [fanni.actor.email], ...OPEN_NOW });
    const enrolment = t.app.get(EnrolmentService);
    await enrolment.enrol(aino.actor, cohort.id);
    await enrolment.enrol(pekka.actor, cohort.id);
    const channels: { id: string; kind: string; cohort_id: string | null; name: { fi?: string } }[] = await db.query(`SELECT id, kind, cohort_id, name FROM forum_channel`);
    general = channels.find((c) => c.name.fi === 'Yleinen keskustelu')!.id;
    announcements = channels.find((c) => c.kind === 'announcements')!.id;
    cohortChannel = channels.find((c) => c.cohort_id === cohort.id)!.id;
  });
  afterAll(() => t?.close());

  describe('channels', () => {
    it('lists the channels a person may read, with what they may do in each; a round’s forum only to its people', async () => {
      await thread(cohortChannel, pekka, 'Tervetuloa', 'Hei kaikki');

      const res = await get('/api/v1/channels', aino).expect(200);

      const ids = res.body.items.map((c: { id: string }) => c.id);
      expect(ids).toEqual(expect.arrayContaining([general, announcements, cohortChannel]));
      expect(res.body.items.find((c: { id: string }) => c.id === cohortChannel)).toEqual({
        id: cohortChannel,
        kind: 'cohort',
        cohortId: cohort.id,
        name: 'Kompleksisuus ja systeemiajattelu: Kevät 2027',
        description: '',
        archived: false,
        threadCount: expect.any(Number),
        unreadThreads: expect.any(Number),
        lastActivityAt: expect.any(String),
        mayStartThread: true,
        mayModerate: false,
      });
      expect(res.body.items.find((c: { id: string }) => c.id === cohortChannel).unreadThreads).toBeGreaterThanOrEqual(1);
      expect(res.body.items.find((c: { id: string }) => c.id === announcements)).toMatchObject({ kind: 'announcements', mayStartThread: false, mayModerate: false });

      const facilitators = await get('/api/v1/channels', fanni).expect(200);
      expect(facilitators.body.items.find((c: { id: string }) => c.id === cohortChannel)).toMatchObject({ mayModerate: true, mayStartThread: true });
      const outsiders = await get('/api/v1/channels', olli).expect(200);
      expect(outsiders.body.items.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining([general, announcements]));
      expect(outsiders.body.items.map((c: { id: string }) => c.id)).not.toContain(cohortChannel);
    });

    it('answers every route 401 without a token', async () => {
      const { id, postId } = await thread(general, aino);
      await get('/api/v1/channels', null).expect(401);
      await get(`/api/v1/channels/${general}/threads`, null).expect(401);
      await post(`/api/v1/channels/${general}/threads`, { title: 'Otsikko', body: 'Teksti' }, null).expect(401);
      await get(`/api/v1/threads/${id}/posts`, null).expect(401);
      await post(`/api/v1/threads/${id}/posts`, { body: 'Teksti' }, null).expect(401);
      await patch(`/api/v1/posts/${postId}`, { body: 'Teksti' }, null).expect(401);
      await del(`/api/v1/posts/${postId}`, null).expect(401);
    });
    it('documents its routes in the OpenAPI description, under forums, with a bearer token', async () => {
      const res = await t.http.get('/api/docs/openapi.json').expect(200);
      const routes = Object.entries(res.body.paths as Record<string, Record<string, { tags?: string[]; security?: unknown[] }>>).flatMap(([path, methods]) =>
        Object.entries(methods)
          .filter(([, operation]) => operation.tags?.includes('forums'))
          .map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, bearer: JSON.stringify(operation.security ?? []).includes('bearer') })),
      );
      expect(routes.map((r) => r.route).sort()).toEqual(
        [
          'GET /api/v1/channels',
          'GET /api/v1/channels/{id}/threads',
          'POST /api/v1/channels/{id}/threads',
          'GET /api/v1/threads/{id}/posts',
          'POST /api/v1/threads/{id}/posts',
          'PATCH /api/v1/posts/{id}',
          'DELETE /api/v1/posts/{id}',
        ].sort(),
      );
      expect(routes.every((r) => r.bearer)).toBe(true);
      expect(res.body.components.schemas.PostDto.properties).toHaveProperty('bodyHtml');
    });
  });

  describe('threads', () => {
    it('starts a thread and answers with it and its opening post, rendered and sanitised', async () => {
      const before = await stored();

      const res = await startThread(general, { title: '  Välitehtävä 2  ', body: 'Mitä opitte **systeemiajattelusta**? <img src=x onerror=alert(1)>', language: 'fi' }, aino).expect(201);

      expect(res.body).toEqual({
        id: expect.any(String),
        channelId: general,
        title: 'Välitehtävä 2',
        authorName: 'Aino Virtanen',
        pinned: false,
        locked: false,
        postFirst: false,
        replyCount: 0,
        lastPostAt: expect.any(String),
        createdAt: expect.any(String),
        unread: false,
        firstPost: {
          id: expect.any(String),
          authorId: aino.actor.id,
          authorName: 'Aino Virtanen',
          bodyHtml: expect.stringContaining('<strong>systeemiajattelusta</strong>'),
          language: 'fi',
          createdAt: expect.any(String),
          editedAt: null,
          deleted: false,
          hidden: false,
          hiddenReason: null,
          replyTo: null,
          mayEdit: true,
          mayDelete: true,
          unread: false,
          attachments: [],
        },
      });
      expect(res.body.firstPost.bodyHtml).not.toContain('<img');
      expect(res.body.firstPost.bodyHtml).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(await stored()).toEqual({ threads: before.threads + 1, posts: before.posts + 1 });
      const [row] = await db.query(`SELECT t.title, p.body, p.language FROM forum_thread t JOIN forum_post p ON p.thread_id = t.id WHERE t.id = $1`, [res.body.id]);
      expect(row).toEqual({ title: 'Välitehtävä 2', body: 'Mitä opitte **systeemiajattelusta**? <img src=x onerror=alert(1)>', language: 'fi' });
      const list = await get(`/api/v1/channels/${general}/threads`, pekka).expect(200);
      expect(list.body.items.find((th: { id: string }) => th.id === res.body.id)).toMatchObject({ title: 'Välitehtävä 2', unread: true, replyCount: 0 });
    });

    it('refuses a body with a script or a javascript: link with 400, storing nothing', async () => {
      const before = await stored();
      for (const body of ['Katso <script>alert(1)</script>', '[linkki](javascript:alert(1))']) {
        const res = await startThread(general, { title: 'Skripti', body }, aino).expect(400);
        expect(res.body.fields).toEqual({ body: 'The message contains a script or a javascript: address. Remove it and send again.' });
      }
      expect(await stored()).toEqual(before);
    });

    it('stores the language chosen, or the one its words show with `auto`', async () => {
      const chosen = await startThread(general, { title: 'På svenska', body: 'Hej', language: 'sv' }, aino).expect(201);
      const guessed = await startThread(general, { title: 'In English', body: 'What is the best way to start this, and how can we do it?', language: 'auto' }, aino).expect(201);
      expect(chosen.body.firstPost.language).toBe('sv');
      expect(guessed.body.firstPost.language).toBe('en');
    });

    it('lets only facilitators and admins start announcement threads', async () => {
      const res = await startThread(announcements, { title: 'Tiedote', body: 'Tärkeää asiaa' }, aino).expect(403);
      expect(forbiddenCode(res.body)).toBe('forum.channel.announcementsOnly');
      await startThread(announcements, { title: 'Kevään ohjelma', body: 'Ohjelma on julkaistu.', sendNow: true }, fanni).expect(201);
    });

    it('pages a channel’s threads by latest activity with no gaps or repeats while new threads arrive', async () => {
      for (let i = 0; i < 5; i++) await thread(general, pekka, `Sivutettava ${i}`);
      const expected: { id: string }[] = await db.query(`SELECT id FROM forum_thread WHERE channel_id = $1 ORDER BY pinned DESC, last_post_at DESC, id DESC`, [general]);

      const seen: string[] = [];
      const sizes: number[] = [];
      let cursor: string | null = null;
      do {
        const res: Response = await get(`/api/v1/channels/${general}/threads?limit=2${cursor ? `&cursor=${cursor}` : ''}`, aino).expect(200);
        seen.push(...res.body.items.map((item: { id: string }) => item.id));
        sizes.push(res.body.items.length);
        // Someone starts a thread while the reader pages: it goes to the top, ahead of the pages read.
        if (sizes.length === 1) await thread(general, pekka, 'Kesken sivutusta');
        cursor = res.body.nextCursor;
      } while (cursor);

      expect(seen).toEqual(expected.map((row) => row.id));
      expect(sizes.slice(0, -1).every((size) => size === 2)).toBe(true);
    });

    it('lists 30 threads a page unless asked otherwise', async () => {
      const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM forum_thread WHERE channel_id = $1`, [general]);
      for (let i = n; i < 31; i++) await thread(general, pekka, `Täyte ${i}`);
      const res = await get(`/api/v1/channels/${general}/threads`, aino).expect(200);
      expect(res.body.items).toHaveLength(30);
      expect(res.body.nextCursor).toEqual(expect.any(String));
    });
  });

  describe('posts', () => {
    it('answers a reply to a post with the reply, showing what it answers, and lists the thread in order', async () => {
      const opening = await thread(cohortChannel, aino, 'Välitehtävä', 'Mitä opitte systeemiajattelusta?');

      const res = await reply(opening.id, { body: 'Paljon!', replyToId: opening.postId }, pekka).expect(201);

      expect(res.body).toEqual({
        id: expect.any(String),
        authorId: pekka.actor.id,
        authorName: 'Pekka Korhonen',
        bodyHtml: '<p>Paljon!</p>\n',
        language: 'fi',
        createdAt: expect.any(String),
        editedAt: null,
        deleted: false,
        hidden: false,
        hiddenReason: null,
        replyTo: { id: opening.postId, authorName: 'Aino Virtanen', excerpt: 'Mitä opitte systeemiajattelusta?' },
        mayEdit: true,
        mayDelete: true,
        unread: false,
        attachments: [],
      });
      const page = await get(`/api/v1/threads/${opening.id}/posts`, aino).expect(200);
      expect(page.body.thread).toMatchObject({ id: opening.id, channelId: cohortChannel, title: 'Välitehtävä', replyCount: 1, gated: false, mayReply: true, closedReason: null });
      expect(page.body.items.map((p: { id: string }) => p.id)).toEqual([opening.postId, res.body.id]);
      expect(page.body.items[1]).toMatchObject({ unread: true, mayEdit: false, mayDelete: false });
      expect(page.body.nextCursor).toBeNull();
    });

    it('refuses a reply to a post of another thread, or to an id that is none, storing nothing', async () => {
      const first = await thread(general, aino);
      const second = await thread(general, aino);
      const before = await stored();

      const elsewhere = await reply(first.id, { body: 'Vastaus', replyToId: second.postId }, pekka).expect(400);
      const nonsense = await reply(first.id, { body: 'Vastaus', replyToId: 'abc' }, pekka).expect(400);

      expect(Object.keys(elsewhere.body.fields)).toEqual(['replyToId']);
      expect(Object.keys(nonsense.body.fields)).toEqual(['replyToId']);
      expect(await stored()).toEqual(before);
    });

    it('pages a thread with no gaps or repeats while posts arrive, 50 a page unless asked otherwise', async () => {
      const opening = await thread(general, aino, 'Pitkä ketju');
      for (let i = 0; i < 55; i++) await reply(opening.id, { body: `Viesti ${i}` }, pekka).expect(201);

      const first = await get(`/api/v1/threads/${opening.id}/posts`, aino).expect(200);
      expect(first.body.items).toHaveLength(50);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: Response = await get(`/api/v1/threads/${opening.id}/posts?limit=20${cursor ? `&cursor=${cursor}` : ''}`, aino).expect(200);
        seen.push(...res.body.items.map((item: { id: string }) => item.id));
        if (pages === 0) await reply(opening.id, { body: 'Uusi viesti kesken lukemisen' }, pekka).expect(201);
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor);

      const all: { id: string }[] = await db.query(`SELECT id FROM forum_post WHERE thread_id = $1 ORDER BY created_at, id`, [opening.id]);
      expect(seen).toEqual(all.map((row) => row.id));
      expect(all).toHaveLength(57);
      expect(pages).toBe(3);
    });

    it('lets the author edit within the window: 403 for someone else’s post, 409 once the window has passed', async () => {
      const { id, postId } = await thread(general, aino, 'Muokattava', 'Ensimmäinen versio');

      const edited = await patch(`/api/v1/posts/${postId}`, { body: 'Toinen *versio*' }, aino).expect(200);
      expect(edited.body).toMatchObject({ id: postId, bodyHtml: '<p>Toinen <em>versio</em></p>\n', editedAt: expect.any(String), mayEdit: true });

      const notYours = await patch(`/api/v1/posts/${postId}`, { body: 'Minun versioni' }, pekka).expect(403);
      expect(forbiddenCode(notYours.body)).toBe('forum.post.notYours');

      await db.query(`UPDATE forum_post SET created_at = now() - interval '31 minutes' WHERE id = $1`, [postId]);
      const late = await patch(`/api/v1/posts/${postId}`, { body: 'Myöhästynyt' }, aino).expect(409);
      expect(late.body).toMatchObject({ statusCode: 409, code: 'forum.edit.windowPassed' });

      const [row] = await db.query(`SELECT body FROM forum_post WHERE id = $1`, [postId]);
      expect(row.body).toBe('Toinen *versio*');
      const page = await get(`/api/v1/threads/${id}/posts`, aino).expect(200);
      expect(page.body.items[0]).toMatchObject({ bodyHtml: '<p>Toinen <em>versio</em></p>\n', mayEdit: false, mayDelete: true });
    });

    it('deletes the author’s own post only: the thread then shows it deleted, without its text', async () => {
      const { id } = await thread(general, aino, 'Poistettava');
      const own = await reply(id, { body: 'Tämä poistetaan' }, pekka).expect(201);

      const notYours = await del(`/api/v1/posts/${own.body.id}`, aino).expect(403);
      expect(forbiddenCode(notYours.body)).toBe('forum.post.notYours');
      const res = await del(`/api/v1/posts/${own.body.id}`, pekka).expect(204);
      expect(res.text).toBe('');

      const page = await get(`/api/v1/threads/${id}/posts`, aino).expect(200);
      expect(page.body.items[1]).toMatchObject({ id: own.body.id, deleted: true, bodyHtml: null, authorName: 'Pekka Korhonen' });
      expect(JSON.stringify(page.body)).not.toContain('Tämä poistetaan');
      await del(`/api/v1/posts/${own.body.id}`, pekka).expect(404);
      await patch(`/api/v1/posts/${own.body.id}`, { body: 'Takaisin' }, pekka).expect(404);
    });

    it('shows a hidden post with its moderator’s reason instead of its text', async () => {
      const { id } = await thread(cohortChannel, aino, 'Piilotus');
      const hidden = await reply(id, { body: 'Asiaton viesti' }, pekka).expect(201);
      await t.app.get(ModerationService).hidePost(fanni.actor, hidden.body.id, 'Ei kuulu tänne');

      const page = await get(`/api/v1/threads/${id}/posts`, aino).expect(200);

      expect(page.body.items[1]).toMatchObject({ id: hidden.body.id, hidden: true, hiddenReason: 'Ei kuulu tänne', bodyHtml: null });
      expect(JSON.stringify(page.body)).not.toContain('Asiaton viesti');
      const edit = await patch(`/api/v1/posts/${hidden.body.id}`, { body: 'Korjattu' }, pekka).expect(409);
      expect(edit.body.code).toBe('forum.post.hidden');
    });

    it('shows a participant only the opening post and their own of a reflection thread until they reply', async () => {
      const { id, postId } = await thread(cohortChannel, fanni, 'Reflektio', 'Mitä huomasit omassa työssäsi?');
      await t.app.get(ModerationService).switchThread(fanni.actor, id, 'post_first_on');
      const others = await reply(id, { body: 'Huomasin kiireen.' }, pekka).expect(201);

      const gated = await get(`/api/v1/threads/${id}/posts`, aino).expect(200);
      expect(gated.body.thread).toMatchObject({ postFirst: true, gated: true, mayReply: true });
      expect(gated.body.items.map((p: { id: string }) => p.id)).toEqual([postId]);
      expect(JSON.stringify(gated.body)).not.toContain('Huomasin kiireen');

      const own = await reply(id, { body: 'Minä huomasin hiljaisuuden.' }, aino).expect(201);
      const open = await get(`/api/v1/threads/${id}/posts`, aino).expect(200);
      expect(open.body.thread.gated).toBe(false);
      expect(open.body.items.map((p: { id: string }) => p.id)).toEqual([postId, others.body.id, own.body.id]);
    });

    it('refuses replies in a locked thread with 409 but lets its moderators write', async () => {
      const { id } = await thread(cohortChannel, aino, 'Lukittava');
      await t.app.get(ModerationService).switchThread(admin.actor, id, 'lock');
      const before = await stored();

      const res = await reply(id, { body: 'Vielä?' }, pekka).expect(409);

      expect(res.body).toMatchObject({ statusCode: 409, code: 'forum.thread.locked' });
      expect(await stored()).toEqual(before);
      const page = await get(`/api/v1/threads/${id}/posts`, pekka).expect(200);
      expect(page.body.thread).toMatchObject({ locked: true, mayReply: false, closedReason: 'forum.thread.locked' });
      await reply(id, { body: 'Valmentaja voi vielä kirjoittaa.' }, fanni).expect(201);
    });
  });

  describe('a round’s forum', () => {
    it('is closed to people outside the round: 403 on its threads, its posts and posting, nothing stored', async () => {
      const { id, postId } = await thread(cohortChannel, aino, 'Sisäinen');
      const before = await stored();

      const responses = [
        await get(`/api/v1/channels/${cohortChannel}/threads`, olli).expect(403),
        await startThread(cohortChannel, { title: 'Hei', body: 'Kuuluuko tänne?' }, olli).expect(403),
        await get(`/api/v1/threads/${id}/posts`, olli).expect(403),
        await reply(id, { body: 'Kuuluuko tänne?', replyToId: postId }, olli).expect(403),
      ];

      for (const res of responses) expect(forbiddenCode(res.body)).toBe('forum.channel.notMember');
      expect(JSON.stringify(responses.map((res) => res.body))).not.toContain('Sisäinen');
      expect(await stored()).toEqual(before);
      const found = await get('/api/v1/search?q=sisäinen&kind=post', olli).expect(200);
      expect(found.body.groups).toEqual([]);
    });

    it('is closed to a person who is only on its waitlist', async () => {
      const full = await newCohort(t, { capacity: 1, ...OPEN_NOW });
      const enrolment = t.app.get(EnrolmentService);
      const seated = await person('Sari Istuja');
      const waiting = await person('Ville Odottaja');
      expect((await enrolment.enrol(seated.actor, full.id)).enrolment.status).toBe('confirmed');
      expect((await enrolment.enrol(waiting.actor, full.id)).enrolment.status).toBe('waitlisted');
      const [{ id: channelId }] = await db.query(`SELECT id FROM forum_channel WHERE cohort_id = $1`, [full.id]);
      const opening = await thread(channelId, seated, 'Ryhmän ketju');

      await get(`/api/v1/channels/${channelId}/threads`, waiting).expect(403);
      await startThread(channelId, { title: 'Pääsenkö?', body: 'Odotan paikkaa.' }, waiting).expect(403);
      await get(`/api/v1/threads/${opening.id}/posts`, waiting).expect(403);
      await reply(opening.id, { body: 'Odotan paikkaa.' }, waiting).expect(403);
      const channels = await get('/api/v1/channels', waiting).expect(200);
      expect(channels.body.items.map((c: { id: string }) => c.id)).not.toContain(channelId);
      await get(`/api/v1/channels/${channelId}/threads`, seated).expect(200);
    });
  });

  describe('refusing what a client sends', () => {
    it('refuses blank, too long and wrongly typed titles and bodies with a message per field, storing nothing', async () => {
      const before = await stored();
      const cases: [object, string[]][] = [
        [{ title: '', body: 'Teksti' }, ['title']],
        [{ title: '   ', body: 'Teksti' }, ['title']],
        [{ title: 'x'.repeat(201), body: 'Teksti' }, ['title']],
        [{ title: 'Otsikko', body: ' \n\t ' }, ['body']],
        [{ title: 'Otsikko', body: 'x'.repeat(20_001) }, ['body']],
        [{ title: 'Otsikko', body: 5 }, ['body']],
        [{ title: 'Otsikko', body: null }, ['body']],
        [{ title: ['Otsikko'], body: 'Teksti' }, ['title']],
        [{}, ['title', 'body']],
        [{ title: 'Otsikko', body: 'Teksti', language: 'de' }, ['language']],
        [{ title: 'Otsikko', body: 'Teksti', language: null }, ['language']],
        [{ title: 'Otsikko', body: 'Teksti', sendNow: 'yes' }, ['sendNow']],
        [{ title: 'Otsikko', body: 'Teksti', channelId: general }, ['channelId']],
      ];
      for (const [body, fields] of cases) {
        const res = await startThread(general, body, aino);
        expect({ sent: body, status: res.status, fields: Object.keys(res.body.fields ?? {}).sort() }).toEqual({ sent: body, status: 400, fields: [...fields].sort() });
        // Sentences a person can act on, not message keys.
        for (const message of Object.values(res.body.fields as Record<string, string>)) expect(message).toMatch(/^[A-Za-z].* .*\.?$/);
        for (const message of Object.values(res.body.fields as Record<string, string>)) expect(message).not.toMatch(/^[a-z]+(\.[a-zA-Z]+)+$/);
      }
      expect(await stored()).toEqual(before);
    });

    it('refuses blank, too long and wrongly typed replies and edits, changing nothing', async () => {
      const { id, postId } = await thread(general, aino, 'Kestävä', 'Alkuperäinen');
      const before = await stored();
      for (const body of [{ body: '' }, { body: '   ' }, { body: 'x'.repeat(20_001) }, { body: 5 }, { body: null }, { body: 'Teksti', pinned: true }]) {
        const res = await reply(id, body, pekka);
        expect({ body, status: res.status }).toEqual({ body, status: 400 });
        expect(res.body.fields).toEqual(expect.any(Object));
        const edit = await patch(`/api/v1/posts/${postId}`, body, aino);
        expect({ body, status: edit.status }).toEqual({ body, status: 400 });
      }
      await patch(`/api/v1/posts/${postId}`, undefined, aino).expect(400);
      expect(await stored()).toEqual(before);
      const [row] = await db.query(`SELECT body, edited_at FROM forum_post WHERE id = $1`, [postId]);
      expect(row).toEqual({ body: 'Alkuperäinen', edited_at: null });
    });

    it('answers ids that name nothing, malformed ones too, with 404', async () => {
      const unknown = '00000000-0000-4000-8000-000000000000';
      for (const id of [NOT_A_UUID, unknown, "1' OR '1'='1"]) {
        const path = encodeURIComponent(id);
        await get(`/api/v1/channels/${path}/threads`, aino).expect(404);
        await startThread(path, { title: 'Otsikko', body: 'Teksti' }, aino).expect(404);
        await get(`/api/v1/threads/${path}/posts`, aino).expect(404);
        await reply(path, { body: 'Teksti' }, aino).expect(404);
        await patch(`/api/v1/posts/${path}`, { body: 'Teksti' }, aino).expect(404);
        await del(`/api/v1/posts/${path}`, aino).expect(404);
      }
    });

    it('refuses bad cursors and page sizes with 400 and the field at fault', async () => {
      const { id } = await thread(general, aino);
      const threadsPage = await get(`/api/v1/channels/${general}/threads?limit=1`, aino).expect(200);
      const urls: [string, string][] = [
        [`/api/v1/channels/${general}/threads?cursor=bm9wZQ`, 'cursor'],
        [`/api/v1/channels/${general}/threads?cursor=%%%`, 'cursor'],
        [`/api/v1/threads/${id}/posts?cursor=${threadsPage.body.nextCursor}`, 'cursor'],
        [`/api/v1/threads/${id}/posts?cursor=a&cursor=b`, 'cursor'],
        ['/api/v1/search?q=testi&kind=post&cursor=WzEsMl0', 'cursor'],
        [`/api/v1/channels/${general}/threads?limit=0`, 'limit'],
        [`/api/v1/threads/${id}/posts?limit=101`, 'limit'],
        [`/api/v1/threads/${id}/posts?limit=abc`, 'limit'],
        ['/api/v1/search?q=testi&kind=post&limit=1.5', 'limit'],
        ['/api/v1/channels?lang=de', 'lang'],
      ];
      for (const [url, field] of urls) {
        const res = await get(url, aino);
        expect({ url, status: res.status, fields: Object.keys(res.body.fields ?? {}) }).toEqual({ url, status: 400, fields: [field] });
      }
    });

    it('answers bodies that are not JSON objects, or too big to read, with a 4xx', async () => {
      const malformed = await as(t.http.post(`/api/v1/channels/${general}/threads`), aino).set('content-type', 'application/json').send('{"title": "Otsikko", "body": ');
      expect(malformed.status).toBe(400);
      const tooBig = await startThread(general, { title: 'Otsikko', body: 'x'.repeat(2 * 1024 * 1024) }, aino);
      expect(tooBig.status).toBe(413);
      const list = await as(t.http.post(`/api/v1/channels/${general}/threads`), aino).set('content-type', 'application/json').send('["Otsikko", "Teksti"]');
      expect(list.status).toBe(400);
    });
  });

  // The posts of the one search (GET /api/v1/search, test/search.test.ts): each post as a result of kind post.
  describe('search', () => {
    const postsFound = (res: Response): { id: string }[] => res.body.groups.find((group: { kind: string }) => group.kind === 'post')?.items ?? [];
    const postsPage = (res: Response): string | null => res.body.groups.find((group: { kind: string }) => group.kind === 'post')?.nextCursor ?? null;

    it('finds a Finnish post by another inflected form of its words, with the match marked', async () => {
      const plural = await startThread(cohortChannel, { title: 'Verkosto', body: 'Kehittäjien verkosto kokoontuu keväällä.', language: 'fi' }, aino).expect(201);
      const singular = await startThread(general, { title: 'Kysymys', body: 'Onko täällä yksikään kehittäjä paikalla?', language: 'fi' }, pekka).expect(201);

      const byBase = await get(`/api/v1/search?q=${encodeURIComponent('kehittäjä')}&kind=post`, aino).expect(200);
      const byPlural = await get(`/api/v1/search?q=${encodeURIComponent('kehittäjien')}&kind=post`, aino).expect(200);

      expect(postsFound(byBase).map((hit) => hit.id)).toEqual(expect.arrayContaining([plural.body.firstPost.id, singular.body.firstPost.id]));
      expect(postsFound(byPlural).map((hit) => hit.id)).toEqual(expect.arrayContaining([plural.body.firstPost.id, singular.body.firstPost.id]));
      expect(postsFound(byBase).find((hit) => hit.id === plural.body.firstPost.id)).toEqual({
        kind: 'post',
        id: plural.body.firstPost.id,
        title: 'Verkosto',
        url: `/threads/${plural.body.id}#post-${plural.body.firstPost.id}`,
        context: 'Kompleksisuus ja systeemiajattelu: Kevät 2027',
        authorName: 'Aino Virtanen',
        date: expect.any(String),
        snippetHtml: expect.stringContaining('<mark>Kehittäjien</mark>'),
      });
      const outsiders = await get(`/api/v1/search?q=${encodeURIComponent('kehittäjä')}&kind=post`, olli).expect(200);
      expect(postsFound(outsiders).map((hit) => hit.id)).toEqual([singular.body.firstPost.id]);
    });

    it('pages search results with no repeats', async () => {
      for (let i = 0; i < 3; i++) await thread(general, pekka, `Haku ${i}`, `Valmennusrunko numero ${i}`);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: Response = await get(`/api/v1/search?q=valmennusrunko&kind=post&limit=2${cursor ? `&cursor=${cursor}` : ''}`, aino).expect(200);
        seen.push(...postsFound(res).map((hit) => hit.id));
        cursor = postsPage(res);
      } while (cursor);
      expect(seen).toHaveLength(3);
      expect(new Set(seen).size).toBe(3);
    });

    it('refuses a search without words with 400', async () => {
      for (const url of ['/api/v1/search?q=', '/api/v1/search?q=%20%20', '/api/v1/search', `/api/v1/search?q=${'a'.repeat(201)}`, '/api/v1/search?q=a&q=b']) {
        const res = await get(url, aino);
        expect({ url, status: res.status, fields: Object.keys(res.body.fields ?? {}) }).toEqual({ url, status: 400, fields: ['q'] });
      }
    });
  });
});
