// The search re-index (SearchIndex.reindexAll, `npm run search:reindex`) on a live database: posts
// whose words the vocabulary never learned (written before Voikko was installed) get Voikko's terms
// while other posts are written and edited at the same time, and every kind's stored vectors end
// up equal to what its trigger's function makes of the row now.
import { DataSource } from 'typeorm';
import { Actor } from '../src/access/capabilities';
import { ForumsService } from '../src/forums/forums.service';
import { SearchIndex, ReindexProgress } from '../src/search/search-index.service';
import { SearchVocabulary } from '../src/search/search-vocabulary.service';
import { actorOf, createUser } from './support/accounts';
import { newCohort } from './support/catalogue';
import { startTestApp, TestApp } from './support/test-app';

/** Posts written straight into the table, as before Voikko: their words are not in search_word. */
const OLD_POSTS = 300;
/** Posts written through the forums while the re-index runs, and old ones edited meanwhile. */
const WRITTEN_DURING = 40;
const EDITED_DURING = 10;

const OLD_BODIES = [
  'Pidin kynää kädessä koko tapaamisen ajan.',
  'Keskustelualueella oli vilkasta, ja kädessä oli muistilista.',
  'Itsearviointityökalut auttoivat johtamiskulttuuria eteenpäin.',
];

describe('search re-index', () => {
  let t: TestApp;
  let db: DataSource;
  let forums: ForumsService;
  let vocabulary: SearchVocabulary;
  let author: Actor;
  let threadId: string;

  /** Posts whose vector matches what was typed, as search reads it (every word, base forms and compound parts; no prefix). */
  const matching = async (typed: string): Promise<string[]> => {
    const rows: { id: string }[] = await db.query(`SELECT id FROM forum_post WHERE search @@ search_query_fi($1, 1, false, $2::jsonb) ORDER BY id`, [
      typed,
      JSON.stringify(vocabulary.analyseTyped(typed)),
    ]);
    return rows.map((row) => row.id);
  };

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    forums = t.app.get(ForumsService);
    vocabulary = t.app.get(SearchVocabulary);
    expect(vocabulary.hasVoikko).toBe(true);
    author = actorOf(await createUser(t, { displayName: 'Kaisa Kirjoittaja' }));
    const [general]: { id: string }[] = await db.query(`SELECT id FROM forum_channel WHERE name->>'fi' = 'Yleinen keskustelu'`);
    ({ threadId } = await forums.startThread(author, general.id, { title: 'Vanhat viestit', body: 'Ketjun aloitus.' }, 'fi'));
  });

  afterAll(async () => {
    await t.close();
  });

  it('gives old posts Voikko’s terms while posts are written and edited, and every vector ends up as the trigger makes it', async () => {
    // As before Voikko: the old posts' words unknown, their vectors with snowball stems only.
    await db.query(`DELETE FROM search_word`);
    const old: { id: string; body: string }[] = await db.query(
      `INSERT INTO forum_post (thread_id, author_id, body, body_html, language, created_at)
       SELECT $1, $2, b.body, '<p>' || b.body || '</p>', 'fi', now() - interval '1 day' + i * interval '1 second'
       FROM generate_series(1, $3::int) i, LATERAL (SELECT ($4::text[])[1 + i % 3] || ' (' || i || ')' AS body) b
       RETURNING id, body`,
      [threadId, author.id, OLD_POSTS, OLD_BODIES],
    );
    await db.query(`DELETE FROM search_word`);
    const withHand = old.filter((post) => post.body.includes('kädessä')).map((post) => post.id).sort();
    const withCulture = old.filter((post) => post.body.includes('johtamiskulttuuria')).map((post) => post.id).sort();
    expect(withHand.length).toBeGreaterThan(150);
    expect(await matching('käsi')).toEqual([]);
    expect(await matching('kulttuuri')).toEqual([]);

    const progress: ReindexProgress[] = [];
    const reindex = t.app.get(SearchIndex).reindexAll({ batchSize: 10, onProgress: (step) => progress.push(step) });
    // Meanwhile, as people write: new posts through the forums (each its own transaction), some of
    // them edited there, and old posts edited in SQL as the app would (their edit window long gone).
    const written: string[] = [];
    const editedNew: string[] = [];
    const editedOld: string[] = [];
    let writtenWhileReindexingPosts = 0;
    const writing = (async () => {
      for (let i = 0; i < WRITTEN_DURING; i++) {
        const { postId } = await forums.reply(author, threadId, { body: `Uusi viesti ${i}: jalkojen kanssa oli tekemistä.` }, 'fi');
        written.push(postId);
        if (i < EDITED_DURING) {
          await forums.editPost(author, postId, { body: `Muokattu viesti ${i}: kädet ja jalkojen varpaat.` });
          editedNew.push(postId);
          const post = old[(i * 29) % old.length];
          // As the app writes: the words learned first (else a later learn() leaves the vector behind).
          await vocabulary.learn([`Muokattu ${i}: varpaat jalkojen päässä.`]);
          await db.query(`UPDATE forum_post SET body = $2, body_html = $3, edited_at = now() WHERE id = $1`, [post.id, `Muokattu ${i}: varpaat jalkojen päässä.`, `<p>Muokattu ${i}</p>`]);
          editedOld.push(post.id);
        }
        if (progress.some((p) => p.step === 'post') && progress.every((p) => p.step === 'word' || p.step === 'post')) writtenWhileReindexingPosts++;
      }
    })();
    const [summary] = await Promise.all([reindex, writing]);
    expect(written).toHaveLength(WRITTEN_DURING);
    // The writes overlapped the posts' re-index (else this would not test a live database).
    expect(writtenWhileReindexingPosts).toBeGreaterThan(0);
    expect(progress.filter((p) => p.step === 'post').length).toBeGreaterThan(OLD_POSTS / 10 - 1);

    expect(summary.steps.map((s) => s.step)).toEqual(expect.arrayContaining(['word', 'post']));
    expect(await db.query(`SELECT p.id, p.body, p.search::text AS stored, forum_post_vector(p)::text AS now FROM forum_post p WHERE p.search IS DISTINCT FROM forum_post_vector(p)`)).toEqual([]);

    const unedited = (ids: string[]) => ids.filter((id) => !editedOld.includes(id));
    const body = (id: string) => old.find((post) => post.id === id)!.body;
    expect(await matching('käsi')).toEqual([...unedited(withHand), ...editedNew].sort());
    expect(await matching('alue')).toEqual(unedited(withHand).filter((id) => body(id).includes('Keskustelualueella')));
    expect(await matching('kulttuuri')).toEqual(unedited(withCulture));
    expect(await matching('työkalu')).toEqual(unedited(withCulture));
    // Written or edited during the re-index, before or after its cursor passed them: all found by their base form.
    expect(await matching('jalka')).toEqual([...written, ...editedOld].sort());
  });

  it('rebuilds the other kinds’ vectors as their triggers make them', async () => {
    await newCohort(t, { place: 'Tampereella' });
    await db.query(
      `INSERT INTO network_event (title, description, starts_at, ends_at, place)
       VALUES ('{"fi": "Kehittäjäverkoston kevätkokous"}', '{"fi": "Keskustelualueiden työkaluista"}', now() + interval '10 days', now() + interval '10 days 2 hours', 'Helsingissä')`,
    );
    const tables = ['programme', 'cohort', 'network_event', 'material', 'toolkit_entry'];
    // Vectors from before Voikko, and some gone altogether: the re-index makes them all again.
    await db.query(`DELETE FROM search_word`);
    for (const table of tables) await db.query(`UPDATE ${table} SET search = NULL`);

    const summary = await t.app.get(SearchIndex).reindexAll({ batchSize: 1 });

    expect(summary.steps.map((s) => s.step)).toEqual(['word', 'post', 'programme', 'round', 'event', 'material', 'toolkit']);
    for (const table of tables) {
      const [{ rows, wrong }]: { rows: number; wrong: number }[] = await db.query(
        `SELECT count(*)::int AS rows, count(*) FILTER (WHERE x.search IS DISTINCT FROM ${table}_vector(x))::int AS wrong FROM ${table} x`,
      );
      expect({ table, wrong }).toEqual({ table, wrong: 0 });
      if (['programme', 'cohort', 'network_event'].includes(table)) expect(rows).toBeGreaterThan(0);
    }
    const [event]: { found: boolean }[] = await db.query(`SELECT search @@ search_query_fi('työkalu', 1, false, $1::jsonb) AS found FROM network_event`, [
      JSON.stringify(vocabulary.analyseTyped('työkalu')),
    ]);
    expect(event.found).toBe(true);
  });
});
