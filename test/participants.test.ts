// Who is in my round (/cohorts/:id/participants) as its people use it: names and agencies of the
// confirmed participants and facilitators with the agency mix, a name hidden from other participants,
// 403 with nothing about the round for anyone not in it, and a facilitator writing to the whole round:
// a thread in the round's forum mailed at once to every confirmed participant and facilitator, as
// the SMTP sink receives it from the real worker.
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Cohort } from '../src/catalogue/cohort.entity';
import { EnrolmentService } from '../src/enrolment/enrolment.service';
import { ForumSubscriptions } from '../src/forums/forum-subscriptions.service';
import { AgencyService } from '../src/identity/agency.service';
import { ApiTokensService } from '../src/identity/api-tokens.service';
import { User } from '../src/identity/user.entity';
import { actorOf, createUser, signIn, TEST_PASSWORD } from './support/accounts';
import { newCohort } from './support/catalogue';
import { ReceivedMail, SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';

const DAY = 86_400_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The text of an HTML page, tags dropped and spaces collapsed. */
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
const fieldError = (page: string, id: string) => new RegExp(`<p class="field__error" id="${id}-error">([^<]*)</p>`).exec(page)?.[1] ?? '';

describe('who is in my round', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let db: DataSource;
  let enrolment: EnrolmentService;
  let agencies: Map<string, string>;

  const person = async (name: string, agency: string | null = null, options: { siteRole?: 'admin'; language?: 'fi' | 'sv' | 'en' } = {}): Promise<User> =>
    createUser(t, {
      displayName: name,
      email: `person.${randomBytes(4).toString('hex')}@example.fi`,
      agencyId: agency ? agencies.get(agency)! : null,
      siteRole: options.siteRole ?? null,
      language: options.language ?? 'fi',
    });
  const openRound = (overrides: Parameters<typeof newCohort>[1] = {}) =>
    newCohort(t, { enrolmentOpensAt: new Date(Date.now() - DAY), enrolmentClosesAt: new Date(Date.now() + 30 * DAY), cancellationDeadline: null, ...overrides });
  const enrol = async (user: User, cohort: Cohort) => (await enrolment.enrol(actorOf(user), cohort.id)).enrolment.status;
  const mailsTo = (who: User, subject: string) => sink.mailsTo(who.email, subject);
  const mailTo = (who: User, subject: string, timeoutMs = 10000): Promise<ReceivedMail> => sink.mailTo(who.email, subject, timeoutMs);

  /** A round of three confirmed participants (Aino hides her name), a facilitator, and a waitlisted person. */
  const round = async () => {
    const facilitator = await person('Sanna Valmentaja', 'Valtiokonttori');
    const cohort = await openRound({ capacity: 3, facilitatorEmails: [facilitator.email] });
    const aino = await person('Aino Virtanen', 'Tulli');
    const pekka = await person('Pekka Korhonen', 'Verohallinto');
    const liisa = await person('Liisa Laine', 'Verohallinto');
    const waiting = await person('Jaana Jonottaja', 'Traficom');
    for (const user of [aino, pekka, liisa]) expect(await enrol(user, cohort)).toBe('confirmed');
    expect(await enrol(waiting, cohort)).toBe('waitlisted');
    await db.query(`UPDATE app_user SET hide_name_from_participants = true WHERE id = $1`, [aino.id]);
    return { cohort, facilitator, aino, pekka, liisa, waiting };
  };

  beforeAll(async () => {
    sink = new SmtpSink();
    // An hour's edit window: a message to the whole round that arrives in seconds did not wait for it.
    t = await startTestApp({ SMTP_URL: await sink.start(), FORUM_EDIT_WINDOW_MINUTES: '60' });
    db = t.app.get(DataSource);
    enrolment = t.app.get(EnrolmentService);
    await t.app.get(AgencyService).ensure(['Verohallinto', 'Tulli', 'Traficom', 'Valtiokonttori']);
    agencies = new Map((await t.app.get(AgencyService).list('fi')).map((a) => [a.name, a.id]));
  });
  afterAll(async () => {
    await t?.close();
    await sink.stop();
  });

  it('shows a participant the names and agencies of the round’s people and its agency mix, but not the waitlist', async () => {
    const { cohort, pekka } = await round();
    const client = await signIn(t, pekka.email);
    const res = await client.get(`/cohorts/${cohort.id}/participants`);
    expect(res.status).toBe(200);
    const page = text(res.text);
    expect(page).toContain('Ryhmän osallistujat');
    expect(page).toContain('Sanna Valmentaja · Valtiokonttori');
    expect(page).toContain('Liisa Laine Verohallinto');
    expect(page).toContain('Pekka Korhonen (sinä) Verohallinto');
    expect(page).toContain('Vahvistettuja osallistujia: 3');
    expect(page).toContain('Verohallinto 2');
    expect(page).toContain('Tulli 1');
    expect(page).not.toContain('Jaana Jonottaja');
    expect(page).not.toContain('Traficom');
    // Linked from the round's forum for a member, who does not get the facilitator's form.
    expect(res.text).not.toContain('Kirjoita koko ryhmälle');
    const [channel]: { id: string }[] = await db.query(`SELECT id FROM forum_channel WHERE cohort_id = $1`, [cohort.id]);
    expect((await client.get(`/channels/${channel.id}`)).text).toContain(`href="/cohorts/${cohort.id}/participants"`);
    expect((await client.get(`/cohorts/${cohort.id}`)).text).toContain(`href="/cohorts/${cohort.id}/participants"`);
  });

  it('shows a hidden name to other participants as “a participant from <agency>”, but to the facilitator and the person themselves by name', async () => {
    const { cohort, facilitator, aino, pekka } = await round();
    const asPekka = text((await (await signIn(t, pekka.email)).get(`/cohorts/${cohort.id}/participants`)).text);
    expect(asPekka).toContain('Osallistuja virastosta Tulli');
    expect(asPekka).not.toContain('Aino Virtanen');

    const asFacilitator = text((await (await signIn(t, facilitator.email)).get(`/cohorts/${cohort.id}/participants`)).text);
    expect(asFacilitator).toContain('Aino Virtanen (nimi piilotettu muilta osallistujilta) Tulli');
    expect(asFacilitator).not.toContain('Osallistuja virastosta');

    const asAino = text((await (await signIn(t, aino.email)).get(`/cohorts/${cohort.id}/participants`)).text);
    expect(asAino).toContain('Aino Virtanen (sinä) (nimi piilotettu muilta osallistujilta) Tulli');

    const asa = await person('Åsa Öström', 'Tulli', { language: 'sv' });
    const another = await openRound();
    for (const user of [aino, asa]) expect(await enrol(user, another)).toBe('confirmed');
    const inSwedish = text((await (await signIn(t, asa.email, TEST_PASSWORD, 'sv')).get(`/cohorts/${another.id}/participants`)).text);
    expect(inSwedish).toContain('En deltagare från Tulli');
    expect(inSwedish).not.toContain('Aino Virtanen');
  });

  it('refuses anyone not in the round with 403 and nothing about who is in it; a bad address is 404 and the anonymous sign in', async () => {
    const { cohort, waiting } = await round();
    const other = await openRound();
    const elsewhere = await person('Olli Muualla', 'Tulli');
    await enrol(elsewhere, other);
    for (const user of [waiting, elsewhere]) {
      const client = await signIn(t, user.email);
      const res = await client.get(`/cohorts/${cohort.id}/participants`);
      expect(res.status).toBe(403);
      for (const name of ['Aino Virtanen', 'Pekka Korhonen', 'Liisa Laine', 'Sanna Valmentaja', 'Verohallinto', 'Osallistuja virastosta']) expect(res.text).not.toContain(name);
      expect(text((await client.get(`/cohorts/${cohort.id}`)).text)).not.toContain('Ryhmän osallistujat');
    }
    // Someone who cancelled their place is out of the round too.
    const cancelling = await person('Ville Vetäytyjä', 'Tulli');
    const roundWithSeat = await openRound({ capacity: 5 });
    await enrol(cancelling, roundWithSeat);
    const client = await signIn(t, cancelling.email);
    expect((await client.get(`/cohorts/${roundWithSeat.id}/participants`)).status).toBe(200);
    await enrolment.cancel(actorOf(cancelling), roundWithSeat.id, cancelling.id, null);
    expect((await client.get(`/cohorts/${roundWithSeat.id}/participants`)).status).toBe(403);

    expect((await client.get(`/cohorts/not-a-round/participants`)).status).toBe(404);
    expect((await client.get(`/cohorts/00000000-0000-4000-8000-000000000000/participants`)).status).toBe(404);
    const anonymous = await t.http.get(`/cohorts/${cohort.id}/participants`);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toContain('/login');
    // An admin who does not run the round still may look (they run the site).
    const admin = await person('Ada Admin', null, { siteRole: 'admin' });
    expect((await (await signIn(t, admin.email)).get(`/cohorts/${cohort.id}/participants`)).status).toBe(200);
  });

  it('lets the facilitator write to the whole round: a thread in its forum, mailed at once to every confirmed participant and facilitator, even one who turned the forum off', async () => {
    const { cohort, facilitator, aino, pekka, liisa, waiting } = await round();
    const second = await person('Toni Toinenvalmentaja', 'Valtiokonttori');
    await db.query(`INSERT INTO cohort_facilitator (cohort_id, user_id) VALUES ($1, $2)`, [cohort.id, second.id]);
    const [channel]: { id: string }[] = await db.query(`SELECT id FROM forum_channel WHERE cohort_id = $1`, [cohort.id]);
    await t.app.get(ForumSubscriptions).setLevel(actorOf(liisa), { channelId: channel.id }, 'off');

    const client = await signIn(t, facilitator.email);
    const page = `/cohorts/${cohort.id}/participants`;
    expect((await client.get(page)).text).toContain('Kirjoita koko ryhmälle');
    const subject = `Huomisen tapaaminen ${randomBytes(3).toString('hex')}`;
    const res = await client.post(`${page}/message`, { title: subject, body: 'Tapaaminen on **etänä**. Linkki tulee aamulla.' }, { page });
    expect(res.status).toBe(303);
    const [thread]: { id: string; channel_id: string }[] = await db.query(`SELECT id, channel_id FROM forum_thread WHERE title = $1`, [subject]);
    expect(thread.channel_id).toBe(channel.id);
    expect(res.headers.location).toBe(`${page}?sent=${thread.id}`);
    const after = await client.get(res.headers.location);
    expect(text(after.text)).toContain('Viestisi on julkaistu ryhmän keskustelussa ja lähetetty sähköpostina koko ryhmälle.');
    expect(after.text).toContain(`href="/threads/${thread.id}"`);

    // The edit window is an hour: these did not wait for it.
    for (const who of [aino, pekka, liisa, second]) {
      const mail = await mailTo(who, subject, 15000);
      expect(mail.subject).toBe(`Uusi keskustelu: ${subject}`);
      expect(mail.text).toContain('Tapaaminen on etänä.');
      expect(mail.html).toContain('<strong>etänä</strong>');
    }
    expect((await mailTo(liisa, subject)).text).toContain('Saat tämän viestin, koska valmentaja kirjoitti koko ryhmälle');
    await sleep(500);
    expect(mailsTo(waiting, subject)).toEqual([]);
    expect(mailsTo(facilitator, subject)).toEqual([]);
    expect(mailsTo(aino, subject)).toHaveLength(1);
    // Liisa's choice for the forum's other posts stands.
    expect(await t.app.get(ForumSubscriptions).level(actorOf(liisa), { channelId: channel.id })).toBe('off');
  });

  it('answers the same on the API: names hidden from another participant as null with the agency, 403 with no names for the waitlist', async () => {
    const { cohort, facilitator, aino, pekka, waiting } = await round();
    const tokenOf = async (user: User) => (await t.app.get(ApiTokensService).issue(user.id, { name: 'participants test' })).token;
    const asPekka = await t.http.get(`/api/v1/cohorts/${cohort.id}/participants`).set('authorization', `Bearer ${await tokenOf(pekka)}`);
    expect(asPekka.status).toBe(200);
    expect(asPekka.body.participants).toEqual([
      { name: null, hidesName: false, agency: 'Tulli', you: false },
      { name: 'Liisa Laine', hidesName: false, agency: 'Verohallinto', you: false },
      { name: 'Pekka Korhonen', hidesName: false, agency: 'Verohallinto', you: true },
    ]);
    expect(asPekka.body.agencyMix).toEqual([{ agency: 'Verohallinto', count: 2 }, { agency: 'Tulli', count: 1 }]);
    expect(asPekka.body.mayWriteToRound).toBe(false);
    const asFacilitator = await t.http.get(`/api/v1/cohorts/${cohort.id}/participants`).set('authorization', `Bearer ${await tokenOf(facilitator)}`);
    expect(asFacilitator.body.participants[0]).toEqual({ name: aino.displayName, hidesName: true, agency: 'Tulli', you: false });
    expect(asFacilitator.body.mayWriteToRound).toBe(true);
    const refused = await t.http.get(`/api/v1/cohorts/${cohort.id}/participants`).set('authorization', `Bearer ${await tokenOf(waiting)}`);
    expect(refused.status).toBe(403);
    expect(refused.text).not.toMatch(/Pekka|Liisa|Aino|Verohallinto/);
    expect((await t.http.get(`/api/v1/cohorts/${cohort.id}/participants`)).status).toBe(401);
  });

  it('keeps the facilitator’s text and says what is wrong next to the field; anyone but the round’s facilitators and admins gets 403', async () => {
    const { cohort, facilitator, pekka } = await round();
    const page = `/cohorts/${cohort.id}/participants`;
    const client = await signIn(t, facilitator.email);
    const threads = async () => (await db.query(`SELECT count(*)::int AS n FROM forum_thread t JOIN forum_channel ch ON ch.id = t.channel_id WHERE ch.cohort_id = $1`, [cohort.id]))[0].n as number;

    const blank = await client.post(`${page}/message`, { title: '   ', body: 'Viesti ilman otsikkoa' }, { page });
    expect(blank.status).toBe(400);
    expect(fieldError(blank.text, 'round-message-title')).toBe('Kirjoita otsikko.');
    expect(blank.text).toContain('>Viesti ilman otsikkoa</textarea>');
    const long = await client.post(`${page}/message`, { title: 'Otsikko', body: '' }, { page });
    expect(long.status).toBe(400);
    expect(fieldError(long.text, 'round-message-body')).toBe('Kirjoita viesti.');
    expect(long.text).toContain('value="Otsikko"');
    expect(await threads()).toBe(0);

    const participant = await signIn(t, pekka.email);
    const refused = await participant.post(`${page}/message`, { title: 'Kaikille', body: 'Hei kaikki' }, { page });
    expect(refused.status).toBe(403);
    const outsider = await signIn(t, (await person('Olli Ulkopuolinen', 'Tulli')).email);
    expect((await outsider.post(`${page}/message`, { title: 'Kaikille', body: 'Hei kaikki' }, { page: '/channels' })).status).toBe(403);
    expect(await threads()).toBe(0);
  });
});
