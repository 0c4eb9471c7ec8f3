// The discussion channels' mail, end to end: subscription levels, the edit window (the mail shows
// the post as it is when the window closes), stale mail of deleted and hidden posts, daily digests,
// announcements to everybody, @-mentions, and one-click unsubscribe (RFC 8058), as an SMTP server
// receives them from the real worker. The edit window is a real minute; "the window passes" moves
// the rows' due time to now and wakes their delayed jobs, as a clock a minute later would.
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Actor } from '../src/access/capabilities';
import { Cohort } from '../src/catalogue/cohort.entity';
import { EnrolmentService } from '../src/enrolment/enrolment.service';
import { ForumSubscriptions } from '../src/forums/forum-subscriptions.service';
import { mentionedNames } from '../src/forums/forum.notifications';
import { ForumsService } from '../src/forums/forums.service';
import { ModerationService } from '../src/forums/moderation.service';
import { Language } from '../src/i18n/i18n';
import { DigestService } from '../src/notifications/digest.service';
import { QueueService } from '../src/queue/queue.service';
import { actorOf, createUser, signIn } from './support/accounts';
import { newCohort } from './support/catalogue';
import { ReceivedMail, SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const DAY = 86_400_000;

describe('forum mail', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let db: DataSource;
  let forums: ForumsService;
  let subscriptions: ForumSubscriptions;
  let cohort: Cohort;
  let general: string;
  let events: string;
  let announcements: string;
  let cohortChannel: string;
  let facilitator: Actor;

  /** A person whose address's local part is a readable, unique name: `aino.virtanen.3f2a` for @-mentions. */
  const person = async (name = 'Aino Virtanen', language: Language = 'fi'): Promise<Actor> => {
    const local = `${name.toLowerCase().replace(/\s+/g, '.')}.${randomBytes(2).toString('hex')}`;
    return actorOf(await createUser(t, { displayName: name, email: `${local}@example.fi`, language }));
  };
  const title = (words: string) => `${words} ${randomBytes(3).toString('hex')}`;
  const mailsTo = (who: Actor, subject: string) => sink.mailsTo(who.email, subject);
  const mailTo = (who: Actor, subject: string, timeoutMs = 10000): Promise<ReceivedMail> => sink.mailTo(who.email, subject, timeoutMs);
  const rows = (postId: string): Promise<{ key: string; kind: string; recipient_user_id: string; delivery: string; status: string; last_error: string | null }[]> =>
    db.query(`SELECT key, kind, recipient_user_id, delivery, status, last_error FROM notification WHERE payload->>'postId' = $1 ORDER BY key`, [postId]);
  const rowFor = async (postId: string, who: Actor) => (await rows(postId)).find((row) => row.recipient_user_id === who.id);
  /** Waits until none of the post's mail rows is still on its way. */
  const settled = async (postId: string, timeoutMs = 10000) => {
    const deadline = Date.now() + timeoutMs;
    while ((await rows(postId)).some((row) => row.delivery === 'email' && ['pending', 'queued', 'sending'].includes(row.status))) {
      if (Date.now() > deadline) throw new Error(`mail of post ${postId} still on its way: ${JSON.stringify(await rows(postId))}`);
      await sleep(50);
    }
  };
  /** The author's edit window closes for the post's mail: due now, and the delayed jobs woken. */
  const windowPasses = async (postId: string) => {
    // TypeORM answers an UPDATE with [rows, count].
    const [ids]: [{ id: string }[], number] = await db.query(`UPDATE notification SET due_at = now() WHERE key LIKE $1 RETURNING id`, [`forum-post-${postId}-%`]);
    const queue = t.app.get(QueueService);
    const deadline = Date.now() + 5000;
    while ((await db.query(`SELECT 1 FROM notification WHERE id = ANY($1::uuid[]) AND status = 'pending' AND delivery = 'email'`, [ids.map((row) => row.id)])).length > 0) {
      if (Date.now() > deadline) throw new Error('the relay did not take the rows');
      await sleep(50);
    }
    for (const { id } of ids) {
      const job = await queue.job(id);
      if (job && (await job.isDelayed())) await job.promote();
    }
  };
  const reply = async (who: Actor, threadId: string, body: string) => (await forums.reply(who, threadId, { body, language: 'fi' }, 'fi')).postId;

  beforeAll(async () => {
    sink = new SmtpSink();
    t = await startTestApp({ SMTP_URL: await sink.start(), FORUM_EDIT_WINDOW_MINUTES: '1' });
    db = t.app.get(DataSource);
    forums = t.app.get(ForumsService);
    subscriptions = t.app.get(ForumSubscriptions);
    facilitator = await person('Fanni Fasilitaattori');
    cohort = await newCohort(t, { facilitatorEmails: [facilitator.email], enrolmentOpensAt: new Date(Date.now() - DAY), enrolmentClosesAt: new Date(Date.now() + 30 * DAY), cancellationDeadline: null });
    const channels: { id: string; kind: string; cohort_id: string | null; name: { fi: string } }[] = await db.query(`SELECT id, kind, cohort_id, name FROM forum_channel`);
    general = channels.find((c) => c.name.fi === 'Yleinen keskustelu')!.id;
    events = channels.find((c) => c.name.fi === 'Tapahtumat')!.id;
    announcements = channels.find((c) => c.kind === 'announcements')!.id;
    cohortChannel = channels.find((c) => c.cohort_id === cohort.id)!.id;
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('mails a reply to the thread’s subscribers but not its author once the edit window has passed, with the post as edited', async () => {
    const [aino, pekka] = [await person('Aino Virtanen'), await person('Pekka Korhonen')];
    const topic = title('Palautteen antaminen');
    const { threadId } = await forums.startThread(aino, general, { title: topic, body: 'Miten annatte palautetta?', language: 'fi' }, 'fi');
    const postId = await reply(pekka, threadId, 'Ensimmäinen versio vastauksesta.');
    await forums.editPost(pekka, postId, { body: 'Toinen versio: **kasvokkain** ja heti.' });

    await sleep(1500);
    expect(mailsTo(aino, topic)).toEqual([]); // not before the window closes
    expect(await rowFor(postId, aino)).toMatchObject({ key: `forum-post-${postId}-${aino.id}`, kind: 'forum.post', delivery: 'email' });
    expect(await rowFor(postId, pekka)).toBeUndefined();

    await windowPasses(postId);
    const mail = await mailTo(aino, topic);
    expect(mail.subject).toBe(`Uusi viesti: ${topic}`);
    expect(mail.text).toContain('Toinen versio: kasvokkain ja heti.');
    expect(mail.text).toContain('(muokattu)');
    expect(mail.text).not.toContain('Ensimmäinen versio');
    expect(mail.html).toContain('<strong>kasvokkain</strong>');
    expect(mail.text).toContain(`Pekka Korhonen kirjoitti keskusteluun ”${topic}” kanavalla Yleinen keskustelu:`);
    expect(mail.text).toContain(`${t.config.baseUrl}/threads/${threadId}#post-${postId}`);
    await settled(postId);
    expect(mailsTo(aino, topic)).toHaveLength(1);
    expect(mailsTo(pekka, topic)).toEqual([]);
  });

  it('does not mail a post deleted or hidden before its mail goes', async () => {
    const [aino, pekka] = [await person('Aino Virtanen'), await person('Pekka Korhonen')];
    const topic = title('Poistuvat viestit');
    const { threadId } = await forums.startThread(aino, general, { title: topic, body: 'Aloitus', language: 'fi' }, 'fi');
    const deleted = await reply(pekka, threadId, 'Tämä poistetaan.');
    const hidden = await reply(pekka, threadId, 'Tämä piilotetaan.');
    const kept = await reply(pekka, threadId, 'Tämä jää.');
    await forums.deletePost(pekka, deleted);
    await t.app.get(ModerationService).hidePost(actorOf(await createUser(t, { siteRole: 'admin' })), hidden, 'Asiaton');
    for (const postId of [deleted, hidden, kept]) await windowPasses(postId);
    for (const postId of [deleted, hidden, kept]) await settled(postId);

    expect(await rowFor(deleted, aino)).toMatchObject({ status: 'cancelled', last_error: expect.stringMatching(/^stale/) });
    expect(await rowFor(hidden, aino)).toMatchObject({ status: 'cancelled', last_error: expect.stringMatching(/^stale/) });
    expect(await rowFor(kept, aino)).toMatchObject({ status: 'sent' });
    const texts = mailsTo(aino, topic).map((mail) => mail.text);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain('Tämä jää.');
  });

  it('mails "new threads" subscribers the opening post only, digests "daily digest" ones, and nothing to "off" ones', async () => {
    const [author, newThreads, daily, off] = [await person('Kirsi Kirjoittaja'), await person('Uuno Uutuus'), await person('Paula Päivittäinen'), await person('Olli Ohita')];
    // Without a row of her own: network channels' default, "new threads only".
    const bystander = await person('Berit Sivullinen');
    await subscriptions.setLevel(newThreads, { channelId: events }, 'new_threads');
    await subscriptions.setLevel(daily, { channelId: events }, 'daily_digest');
    await subscriptions.setLevel(off, { channelId: events }, 'off');
    const topic = title('Kehittäjäpäivä Tampereella');
    const { threadId, postId: opening } = await forums.startThread(author, events, { title: topic, body: 'Tervetuloa!', language: 'fi' }, 'fi');
    const answer = await reply(await person('Risto Vastaaja'), threadId, 'Tulen mukaan.');

    const opened = await rows(opening);
    expect([newThreads, daily, bystander, off, author].map((who) => opened.find((row) => row.recipient_user_id === who.id)?.delivery ?? null)).toEqual(['email', 'digest', 'email', null, null]);
    // A reply reaches the thread's author (writing subscribed her) and the digest reader, not "new threads" followers by choice or by default.
    expect((await rows(answer)).map((row) => [row.recipient_user_id, row.delivery]).sort()).toEqual([[author.id, 'email'], [daily.id, 'digest']].sort());

    await windowPasses(opening);
    await windowPasses(answer);
    const mail = await mailTo(newThreads, topic);
    expect(mail.subject).toBe(`Uusi keskustelu: ${topic}`);
    expect(mail.text).toContain('Kirsi Kirjoittaja aloitti uuden keskustelun kanavalla Tapahtumat:');
    expect(mail.text).toContain('Saat tämän viestin, koska seuraat kanavaa Tapahtumat.');
    await settled(answer);
    expect(mailsTo(newThreads, topic)).toHaveLength(1);
    expect((await mailTo(bystander, topic)).subject).toBe(`Uusi keskustelu: ${topic}`);
    await settled(opening);
    expect(mailsTo(bystander, topic)).toHaveLength(1);

    expect((await rowFor(opening, daily))?.status).toBe('pending'); // waits for the digest, not mailed on its own
    expect(mailsTo(daily, topic)).toEqual([]);
    await t.app.get(DigestService).gatherFor({ userId: daily.id, hour: '2027030107' });
    const digest = await mailTo(daily, 'Päivän kooste');
    expect(digest.text).toContain(`/threads/${threadId}#post-${opening}`);
    expect(digest.text).toContain(`/threads/${threadId}#post-${answer}`);
    expect((await rowFor(answer, daily))?.status).toMatch(/^(queued|sent)$/);
    expect(mailsTo(daily, topic)).toEqual([]);
    expect(mailsTo(off, topic)).toEqual([]);
    expect(await rowFor(opening, off)).toBeUndefined();
  });

  it('leaves a deleted post out of the digest', async () => {
    const [author, daily] = [await person('Kirsi Kirjoittaja'), await person('Paula Päivittäinen')];
    await subscriptions.setLevel(daily, { channelId: general }, 'daily_digest');
    const kept = title('Jäävä ketju');
    const gone = title('Poistuva ketju');
    await forums.startThread(author, general, { title: kept, body: 'Jää', language: 'fi' }, 'fi');
    const { postId } = await forums.startThread(author, general, { title: gone, body: 'Poistuu', language: 'fi' }, 'fi');
    await forums.deletePost(author, postId);
    await db.query(`UPDATE notification SET due_at = now() WHERE recipient_user_id = $1 AND delivery = 'digest'`, [daily.id]);
    await t.app.get(DigestService).gatherFor({ userId: daily.id, hour: '2027030107' });
    const digest = await mailTo(daily, 'Päivän kooste');
    expect(digest.text).toContain(kept);
    expect(digest.text).not.toContain(gone);
    expect(await rowFor(postId, daily)).toMatchObject({ status: 'cancelled' });
  });

  it('reaches everybody with an announcement, in their own language, and goes at once when sent now', async () => {
    const [aino, asa, leaving] = [await person('Aino Virtanen'), await person('Åsa Öström', 'sv'), await person('Lauri Lähtijä')];
    await subscriptions.setLevel(leaving, { channelId: announcements }, 'off');
    const admin = actorOf(await createUser(t, { siteRole: 'admin', displayName: 'Ada Admin' }));
    const topic = title('Kevään ohjelma julkaistu');
    const { postId } = await forums.startThread(admin, announcements, { title: topic, body: 'Ohjelma on julkaistu.', language: 'fi' }, 'fi');
    // Everybody active but the author and whoever chose otherwise for the channel.
    const [{ expected }] = await db.query(
      `SELECT count(*)::int AS expected FROM app_user u WHERE u.status = 'active' AND u.id <> $1
         AND NOT EXISTS (SELECT 1 FROM forum_subscription s WHERE s.user_id = u.id AND s.channel_id = $2 AND s.level = 'off')`,
      [admin.id, announcements],
    );
    const written = await rows(postId);
    expect(written).toHaveLength(expected);
    expect(expected).toBeGreaterThan(3);
    expect(written.map((row) => row.recipient_user_id)).toEqual(expect.arrayContaining([aino.id, asa.id, facilitator.id]));
    expect(written.map((row) => row.recipient_user_id)).not.toContain(leaving.id);
    await windowPasses(postId);
    expect((await mailTo(asa, topic)).subject).toBe(`Ny diskussion: ${topic}`);
    expect((await mailTo(asa, topic)).text).toContain('i kanalen Meddelanden');
    await mailTo(aino, topic);

    const urgent = title('Huomisen tapaaminen siirtyy');
    const sentNow = await forums.startThread(facilitator, announcements, { title: urgent, body: 'Tapaaminen on etänä.', language: 'fi', sendNow: true }, 'fi');
    const mail = await mailTo(aino, urgent, 15000); // the edit window is a minute: this did not wait for it
    expect(mail.text).toContain('Tapaaminen on etänä.');
    // The sink has the mail a moment before the worker marks the row sent.
    await settled(sentNow.postId);
    expect(await rowFor(sentNow.postId, aino)).toMatchObject({ status: 'sent' });
  });

  it('tells a mentioned reader at once, once, and never someone who may not read the forum', async () => {
    const [aino, pekka, outsider] = [await person('Aino Virtanen'), await person('Pekka Korhonen'), await person('Olli Ulkopuolinen')];
    const enrolment = t.app.get(EnrolmentService);
    await enrolment.enrol(aino, cohort.id);
    await enrolment.enrol(pekka, cohort.id);
    const topic = title('Välitehtävä');
    const { threadId } = await forums.startThread(aino, cohortChannel, { title: topic, body: 'Aloitetaan.', language: 'fi' }, 'fi');
    const [ainoName, outsiderName] = [aino.email.split('@')[0], outsider.email.split('@')[0]];
    const postId = await reply(pekka, threadId, `Mitä mieltä @${ainoName.toUpperCase()} ja @${outsiderName} ovat? Kiitos, @${ainoName}.`);

    const mention = await mailTo(aino, topic); // no window: at once
    expect(mention.subject).toBe(`Pekka Korhonen mainitsi sinut: ${topic}`);
    expect(mention.text).toContain(`Mitä mieltä @${ainoName.toUpperCase()}`);
    expect((await rows(postId)).filter((row) => row.recipient_user_id === aino.id).map((row) => [row.key, row.kind])).toEqual([[`forum-mention-${postId}-${aino.id}`, 'forum.mention']]);
    // The round's facilitator follows its forum without choosing to, and gets the post's own mail.
    expect(await rowFor(postId, facilitator)).toMatchObject({ kind: 'forum.post', delivery: 'email' });
    expect(await rowFor(postId, outsider)).toBeUndefined();
    await windowPasses(postId);
    await settled(postId);
    expect(mailsTo(aino, topic)).toHaveLength(1); // the mention, not the post's mail as well
    expect(mailsTo(outsider, topic)).toEqual([]);
    expect(mention.parsed.headers.has('list-unsubscribe')).toBe(false);
  });

  it('finds mentions as people write them', () => {
    expect(mentionedNames('Hei @Aino.Virtanen ja @pekka-k! Kysy @aino.virtanen. Ei: aino@example.fi, @.')).toEqual(['aino.virtanen', 'pekka-k']);
    expect(mentionedNames('(@Åsa.Öström)')).toEqual(['åsa.öström']);
    expect(mentionedNames(Array.from({ length: 30 }, (_, i) => `@n${i}`).join(' '))).toHaveLength(20);
  });

  it('mails nobody in a cohort forum who has left the round or is only waitlisted, and a waitlisted person once promoted', async () => {
    const small = await newCohort(t, { capacity: 1, enrolmentOpensAt: new Date(Date.now() - DAY), enrolmentClosesAt: new Date(Date.now() + 30 * DAY), cancellationDeadline: null });
    const [channel]: { id: string }[] = await db.query(`SELECT id FROM forum_channel WHERE cohort_id = $1`, [small.id]);
    const [leaving, waiting, admin] = [await person('Lauri Lähtijä'), await person('Jaana Jonottaja'), actorOf(await createUser(t, { siteRole: 'admin' }))];
    const enrolment = t.app.get(EnrolmentService);
    await enrolment.enrol(leaving, small.id);
    await enrolment.enrol(waiting, small.id);
    await subscriptions.setLevel(leaving, { channelId: channel.id }, 'every_post');
    await expect(subscriptions.setLevel(waiting, { channelId: channel.id }, 'every_post')).rejects.toMatchObject({ status: 403 });
    // As if the waitlisted person had subscribed some other way: the rule is applied when writing, not only when choosing.
    await db.query(`INSERT INTO forum_subscription (user_id, channel_id, level) VALUES ($1, $2, 'every_post')`, [waiting.id, channel.id]);
    const { threadId, postId } = await forums.startThread(admin, channel.id, { title: title('Tervetuloa'), body: 'Hei kaikki', language: 'fi' }, 'fi');
    expect((await rows(postId)).map((row) => row.recipient_user_id)).toEqual([leaving.id]);

    // Leaving frees the seat for the waitlisted person, who now reads the forum and hears of it.
    await enrolment.cancel(leaving, small.id, leaving.id, null);
    const later = await reply(admin, threadId, 'Toinen viesti');
    expect((await rows(later)).map((row) => row.recipient_user_id)).toEqual([waiting.id]);
    await windowPasses(postId);
    await settled(postId);
    expect(await rowFor(postId, leaving)).toMatchObject({ status: 'cancelled', last_error: expect.stringMatching(/^stale/) });
  });

  it('mails a facilitator’s post in the round’s forum to its confirmed participants without a subscription of their own, but not after they cancel, nor to one who turned it off', async () => {
    const sanna = await person('Sanna Valmentaja');
    const round = await newCohort(t, { capacity: 3, facilitatorEmails: [sanna.email], enrolmentOpensAt: new Date(Date.now() - DAY), enrolmentClosesAt: new Date(Date.now() + 30 * DAY), cancellationDeadline: null });
    const [channel]: { id: string }[] = await db.query(`SELECT id FROM forum_channel WHERE cohort_id = $1`, [round.id]);
    const [aino, pekka, olli, jaana] = [await person('Aino Virtanen'), await person('Pekka Korhonen'), await person('Olli Ohita'), await person('Jaana Jonottaja')];
    const enrolment = t.app.get(EnrolmentService);
    for (const who of [aino, pekka, olli, jaana]) await enrolment.enrol(who, round.id);
    await subscriptions.setLevel(olli, { channelId: channel.id }, 'off');
    expect(await subscriptions.level(aino, { channelId: channel.id })).toBe('every_post');
    expect(await subscriptions.level(olli, { channelId: channel.id })).toBe('off');
    // The channel page's selector shows the level that applies.
    const page = await (await signIn(t, aino.email)).get(`/channels/${channel.id}`);
    expect(page.text).toContain('<option value="every_post" selected>');

    const topic = title('Ensi viikon välitehtävä');
    const { threadId, postId } = await forums.startThread(sanna, channel.id, { title: topic, body: 'Lukekaa luku 3.', language: 'fi' }, 'fi');
    expect((await rows(postId)).map((row) => row.recipient_user_id).sort()).toEqual([aino.id, pekka.id].sort());
    await windowPasses(postId);
    expect((await mailTo(aino, topic)).text).toContain('Lukekaa luku 3.');
    await mailTo(pekka, topic);

    // A post written while Aino is in the round, whose mail goes after she has cancelled: dropped as stale.
    const later = await reply(sanna, threadId, 'Muistutus välitehtävästä.');
    expect(await rowFor(later, aino)).toMatchObject({ delivery: 'email' });
    await enrolment.cancel(aino, round.id, aino.id, null);
    const last = await reply(sanna, threadId, 'Viimeinen muistutus.');
    // Her seat went to Jaana, who now follows the forum as every confirmed participant does.
    expect((await rows(last)).map((row) => row.recipient_user_id).sort()).toEqual([pekka.id, jaana.id].sort());
    for (const id of [later, last]) await windowPasses(id);
    for (const id of [postId, later, last]) await settled(id);
    expect(await rowFor(later, aino)).toMatchObject({ status: 'cancelled', last_error: expect.stringMatching(/^stale/) });
    expect(mailsTo(aino, topic)).toHaveLength(1);
    expect(mailsTo(olli, topic)).toEqual([]);
    expect(mailsTo(sanna, topic)).toEqual([]);
    expect(mailsTo(pekka, topic)).toHaveLength(3);
  });

  it('validates levels and refuses people who may not read the forum', async () => {
    const [aino, outsider] = [await person('Aino Virtanen'), await person('Olli Ulkopuolinen')];
    const { threadId } = await forums.startThread(aino, general, { title: title('Tasot'), body: 'Teksti', language: 'fi' }, 'fi');
    await expect(subscriptions.setLevel(aino, { channelId: general }, 'sometimes')).rejects.toMatchObject({ fields: { level: 'forum.subscription.level.unknown' } });
    await expect(subscriptions.setLevel(aino, { threadId }, 'new_threads')).rejects.toMatchObject({ fields: { level: 'forum.subscription.level.unknown' } });
    await expect(subscriptions.setLevel(outsider, { channelId: cohortChannel }, 'every_post')).rejects.toMatchObject({ status: 403, message: 'forum.channel.notMember' });
    expect(await subscriptions.level(aino, { threadId })).toBe('every_post'); // writing subscribed her
    // Without rows of her own: network channels "new threads only", announcements "every post".
    expect(await subscriptions.level(aino, { channelId: general })).toBe('new_threads');
    expect(await subscriptions.level(aino, { channelId: announcements })).toBe('every_post');
    // A round's forum: "every post" for its facilitators, "off" for an admin who only looks in.
    expect(await subscriptions.level(facilitator, { channelId: cohortChannel })).toBe('every_post');
    expect(await subscriptions.level(actorOf(await createUser(t, { siteRole: 'admin' })), { channelId: cohortChannel })).toBe('off');
    await subscriptions.setLevel(aino, { threadId }, 'daily_digest');
    expect(await subscriptions.level(aino, { threadId })).toBe('daily_digest');
  });

  it('lets a reader unsubscribe with one click from the mail, without signing in; a bad address is 404 and changes nothing', async () => {
    const [aino, pekka] = [await person('Aino Virtanen'), await person('Pekka Korhonen')];
    const topic = title('Yhden klikkauksen peruutus');
    const { threadId } = await forums.startThread(aino, general, { title: topic, body: 'Aloitus', language: 'fi' }, 'fi');
    const first = await reply(pekka, threadId, 'Ensimmäinen vastaus');
    await windowPasses(first);
    const mail = await mailTo(aino, topic);

    const header = (name: string) => mail.parsed.headerLines.find((line) => line.key === name)?.line.replace(/\r?\n\s+/g, ' ');
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    const address = /^List-Unsubscribe: <([^>]+)>$/.exec(header('list-unsubscribe') ?? '')?.[1];
    expect(address).toMatch(new RegExp(`^${t.config.baseUrl}/unsubscribe/forum/[A-Za-z0-9_-]+$`));
    expect(mail.html).toContain(`href="${address}"`);
    expect(mail.text).toContain(`Lopeta nämä sähköpostit: ${address}`);
    const path = new URL(address!).pathname;

    const page = await t.http.get(path);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`Lopetetaanko sähköpostit keskustelusta ”${topic}”?`);
    expect(page.text).toContain(`action="${path}"`);

    const token = path.split('/').pop()!;
    const forged = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    for (const bad of [`/unsubscribe/forum/${forged}`, '/unsubscribe/forum/nonsense', `/unsubscribe/forum/${token}x`]) {
      expect((await t.http.post(bad).type('form').send('List-Unsubscribe=One-Click')).status).toBe(404);
      expect((await t.http.get(bad)).status).toBe(404);
    }
    expect(await subscriptions.level(aino, { threadId })).toBe('every_post');

    // As a mail program sends it (RFC 8058): a bare POST, no cookies, no form token.
    const res = await t.http.post(path).type('form').send('List-Unsubscribe=One-Click');
    expect(res.status).toBe(200);
    expect(res.text).toContain(`Et saa enää sähköpostia keskustelusta ”${topic}”.`);
    expect(await subscriptions.level(aino, { threadId })).toBe('off');

    const second = await reply(pekka, threadId, 'Toinen vastaus');
    expect(await rowFor(second, aino)).toBeUndefined();
    await windowPasses(second);
    await settled(second);
    expect(mailsTo(aino, topic)).toHaveLength(1);
  });

  it('unsubscribes from the channel when the mail came through the channel', async () => {
    const [aino, admin] = [await person('Aino Virtanen'), actorOf(await createUser(t, { siteRole: 'admin' }))];
    const topic = title('Kanavan peruutus');
    const { postId } = await forums.startThread(admin, announcements, { title: topic, body: 'Tiedote', language: 'fi', sendNow: true }, 'fi');
    const mail = await mailTo(aino, topic);
    expect(mail.text).toContain('Saat tämän viestin, koska seuraat kanavaa Tiedotteet.');
    const address = /<([^>]+)>/.exec(mail.parsed.headerLines.find((line) => line.key === 'list-unsubscribe')!.line)![1];
    expect((await t.http.post(new URL(address).pathname).type('form').send('List-Unsubscribe=One-Click')).status).toBe(200);
    expect(await subscriptions.level(aino, { channelId: announcements })).toBe('off');
    const next = await forums.startThread(admin, announcements, { title: title('Toinen tiedote'), body: 'Tiedote', language: 'fi' }, 'fi');
    expect(await rowFor(next.postId, aino)).toBeUndefined();
    expect(await rowFor(postId, aino)).toMatchObject({ status: 'sent' });
  });
});
