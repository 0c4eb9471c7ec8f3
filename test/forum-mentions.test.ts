// @-mentions as a post shows them: the person's name, escaped, linked to the round's people page in
// a round's forum and highlighted elsewhere; left as written inside code, for nobody, for someone who
// may not read the forum, and for someone who hides their name from other participants.
import { DataSource } from 'typeorm';
import { Actor } from '../src/access/capabilities';
import { Cohort } from '../src/catalogue/cohort.entity';
import { EnrolmentService } from '../src/enrolment/enrolment.service';
import { ForumsService } from '../src/forums/forums.service';
import { actorOf, createUser } from './support/accounts';
import { newCohort } from './support/catalogue';
import { startTestApp, TestApp } from './support/test-app';

describe('@-mentions in posts', () => {
  let t: TestApp;
  let forums: ForumsService;
  let db: DataSource;
  let cohort: Cohort;
  let cohortChannel: string;
  let general: string;
  let sanna: Actor;

  const postHtml = async (postId: string) => (await db.query(`SELECT body_html FROM forum_post WHERE id = $1`, [postId]))[0].body_html as string;

  beforeAll(async () => {
    t = await startTestApp();
    forums = t.app.get(ForumsService);
    db = t.app.get(DataSource);
    sanna = actorOf(await createUser(t, { displayName: 'Sanna Fasilitaattori', email: 'sanna.f@valtiokonttori.fi' }));
    cohort = await newCohort(t, { facilitatorEmails: [sanna.email], enrolmentOpensAt: new Date(Date.now() - 86_400_000), enrolmentClosesAt: new Date(Date.now() + 30 * 86_400_000), cancellationDeadline: null });
    const enrolment = t.app.get(EnrolmentService);
    for (const [displayName, email] of [
      ['Aino Virtanen', 'aino.virtanen@vero.fi'],
      ['<img src=x onerror=alert(1)> Pekka', 'pekka.k@tulli.fi'],
      ['Piilo Henkilö', 'piilo.h@tulli.fi'],
    ]) {
      await enrolment.enrol(actorOf(await createUser(t, { displayName, email })), cohort.id);
    }
    await createUser(t, { displayName: 'Ulla Ulkopuolinen', email: 'ulla.u@traficom.fi' });
    await db.query(`UPDATE app_user SET hide_name_from_participants = true WHERE email = 'piilo.h@tulli.fi'`);
    const channels: { id: string; cohort_id: string | null; name: { fi?: string } }[] = await db.query(`SELECT id, cohort_id, name FROM forum_channel`);
    cohortChannel = channels.find((c) => c.cohort_id === cohort.id)!.id;
    general = channels.find((c) => c.name.fi === 'Yleinen keskustelu')!.id;
  });

  afterAll(async () => {
    await t.close();
  });

  it("shows a mention in a round's forum as the person's name, linked to the round's people page", async () => {
    const { postId } = await forums.startThread(sanna, cohortChannel, { title: 'Tervetuloa', body: 'Kiitos @Aino.Virtanen, hyvä kysymys.' }, 'fi');
    expect(await postHtml(postId)).toBe(`<p>Kiitos <a class="mention" href="/cohorts/${cohort.id}/participants" rel="nofollow noopener">@Aino Virtanen</a>, hyvä kysymys.</p>\n`);
  });

  it('escapes the name, and leaves code, unknown names, outsiders and hidden names as written', async () => {
    const body = 'Moi @pekka.k ja @piilo.h ja @ulla.u ja @ei.ketaan. Koodina `@aino.virtanen`, osoite aino.virtanen@vero.fi ja [@aino.virtanen](https://example.fi).';
    const { postId } = await forums.startThread(sanna, cohortChannel, { title: 'Hankalat nimet', body }, 'fi');
    const html = await postHtml(postId);
    expect(html).toContain(`<a class="mention" href="/cohorts/${cohort.id}/participants" rel="nofollow noopener">@&lt;img src=x onerror=alert(1)&gt; Pekka</a>`);
    expect(html).not.toContain('<img');
    expect(html).toContain(' ja @piilo.h ja @ulla.u ja @ei.ketaan.');
    expect(html).toContain('<code>@aino.virtanen</code>');
    expect(html).toContain('<a href="mailto:aino.virtanen@vero.fi" rel="nofollow noopener">aino.virtanen@vero.fi</a>');
    expect(html).toContain('<a href="https://example.fi" rel="nofollow noopener">@aino.virtanen</a>');
  });

  it("highlights a mention in a network channel, which has no people page, and renders an edit's mentions too", async () => {
    const { postId } = await forums.startThread(sanna, general, { title: 'Verkosto', body: 'Terve @ulla.u!' }, 'fi');
    expect(await postHtml(postId)).toBe('<p>Terve <strong class="mention">@Ulla Ulkopuolinen</strong>!</p>\n');
    await forums.editPost(sanna, postId, { body: 'Terve @ulla.u ja @aino.virtanen!' });
    expect(await postHtml(postId)).toBe('<p>Terve <strong class="mention">@Ulla Ulkopuolinen</strong> ja <strong class="mention">@Aino Virtanen</strong>!</p>\n');
  });
});
