import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AgencyService } from '../src/identity/agency.service';
import { ApiTokensService } from '../src/identity/api-tokens.service';
import { UserService } from '../src/identity/user.service';
import { NotificationKinds } from '../src/notifications/notification-kinds';
import { NotificationsService } from '../src/notifications/notifications.service';
import { TEST_MESSAGE_KIND } from '../src/notifications/outbox.service';
import { createUser, signIn, TEST_PASSWORD, WebClient } from './support/accounts';
import { startTestApp, TestApp } from './support/test-app';

/** A kind a person may choose for, as the cohorts area's reminders will be. */
const REMINDER_KIND = 'test-session-reminder';
const NEW_PASSWORD = 'Syksyn-valmennus-2027';

describe('profile', () => {
  let t: TestApp;
  let db: DataSource;
  let verohallinto: string;
  let tulli: string;

  const userRow = async (id: string) => (await db.query(`SELECT display_name, agency_id, language, erasure_requested_at FROM app_user WHERE id = $1`, [id]))[0];
  const canSignIn = async (email: string, password: string) => (await new WebClient(t).post('/login', { email, password })).status === 303;
  /** The text of the error paragraph next to a field. */
  const errorFor = (html: string, id: string) => new RegExp(`<p class="field__error" id="${id}-error">([^<]*)</p>`).exec(html)?.[1];

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    t.app.get(NotificationKinds).register({ name: REMINDER_KIND, template: TEST_MESSAGE_KIND, secretLinks: [], subject: () => 'Muistutus' });
    const agencies = t.app.get(AgencyService);
    await agencies.ensure(['Verohallinto', 'Tulli']);
    const ids = new Map((await agencies.list('fi')).map((a) => [a.name, a.id]));
    verohallinto = ids.get('Verohallinto')!;
    tulli = ids.get('Tulli')!;
  });
  afterAll(() => t.close());

  it('sends anonymous visitors to sign in, and refuses their posts', async () => {
    const anonymous = new WebClient(t);
    const page = await anonymous.get('/profile');
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/login?next=%2Fprofile');
    expect((await anonymous.get('/profile/data.json')).status).toBe(303);
    expect((await anonymous.post('/profile', { displayName: 'X', language: 'fi' })).status).toBe(403);
    expect((await anonymous.post('/profile/erasure')).status).toBe(403);
  });

  it('shows the person’s details and a choice for every kind of notification but security mail', async () => {
    const person = await createUser(t, { displayName: 'Eino Järvinen', agencyId: tulli });
    const res = await (await signIn(t, person.email)).get('/profile');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<h1>Oma profiili</h1>');
    expect(res.text).toContain(person.email);
    expect(res.text).toContain('value="Eino Järvinen"');
    expect(res.text).toContain(`<option value="${tulli}" selected>Tulli</option>`);
    expect(res.text).toContain('<option value="fi" lang="fi" selected>Suomi</option>');
    expect(res.text).toContain(`name="${REMINDER_KIND}" value="digest"`);
    expect(res.text).toContain(`id="notify-${REMINDER_KIND}-email" name="${REMINDER_KIND}" value="email" checked`);
    expect(res.text).not.toContain('name="password-reset"');
    expect(res.text).not.toContain('name="digest"');
    for (const action of ['/profile', '/profile/notifications', '/profile/password', '/profile/erasure']) expect(res.text).toContain(`action="${action}"`);
    expect(res.text).toContain('href="/profile/data.json"');
    expect(res.text).toContain('Ylläpitäjä vahvistaa poiston');
  });

  it('saves name, agency and language, and the pages follow the new language', async () => {
    const person = await createUser(t);
    const browser = await signIn(t, person.email);
    const res = await browser.post('/profile', { displayName: '  Aino Uusinimi ', agencyId: verohallinto, language: 'sv' }, { page: '/profile' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/profile?saved=profile');
    expect(browser.cookies.get('lang')).toBe('sv');
    expect(await userRow(person.id)).toMatchObject({ display_name: 'Aino Uusinimi', agency_id: verohallinto, language: 'sv' });

    const page = await browser.get('/profile?saved=profile');
    expect(page.text).toContain('<html lang="sv">');
    expect(page.text).toContain('Uppgifterna har sparats.');
    // "No agency" is a choice too.
    expect((await browser.post('/profile', { displayName: 'Aino Uusinimi', agencyId: '', language: 'sv' }, { page: '/profile' })).status).toBe(303);
    expect((await userRow(person.id)).agency_id).toBeNull();
  });

  it.each([
    ['a name of 201 characters', { displayName: 'x'.repeat(201) }, 'profile-name', 'Nimen pituus on 1–200 merkkiä.'],
    ['an agency that does not exist', { agencyId: randomUUID() }, 'profile-agency', 'Valitse virasto luettelosta.'],
    ['a language Verso does not speak', { language: 'de' }, 'profile-language', 'Valitse kieli: suomi, ruotsi tai englanti.'],
  ])('refuses %s with the message next to the field, keeps the input and stores nothing', async (_case, bad, fieldId, message) => {
    const person = await createUser(t, { displayName: 'Ennallaan Oleva', agencyId: tulli });
    const before = await userRow(person.id);
    const browser = await signIn(t, person.email);
    const form = { displayName: 'Uusi Nimi', agencyId: verohallinto, language: 'sv', ...bad };
    const res = await browser.post('/profile', form, { page: '/profile' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Korjaa merkityt kohdat.');
    expect(errorFor(res.text, fieldId)).toBe(message);
    expect(res.text).toContain(`value="${form.displayName}"`);
    if (!('agencyId' in bad)) expect(res.text).toContain(`<option value="${verohallinto}" selected>`);
    expect(res.headers['set-cookie']?.toString() ?? '').not.toMatch(/lang=/);
    expect(await userRow(person.id)).toEqual(before);
  });

  it('saves a notification choice per kind, which the next notification follows, and refuses unknown ones', async () => {
    const person = await createUser(t);
    const browser = await signIn(t, person.email);
    const saved = await browser.post('/profile/notifications', { [REMINDER_KIND]: 'digest' }, { page: '/profile' });
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe('/profile?saved=notifications');
    expect((await browser.get('/profile')).text).toContain(`id="notify-${REMINDER_KIND}-digest" name="${REMINDER_KIND}" value="digest" checked`);
    const id = await t.app.get(NotificationsService).notify(REMINDER_KIND, { userId: person.id, email: person.email, language: 'fi' }, { requestedAt: new Date().toISOString() });
    expect((await db.query(`SELECT delivery FROM notification WHERE id = $1`, [id]))[0].delivery).toBe('digest');

    const securityOff = await browser.post('/profile/notifications', { 'password-reset': 'off' }, { page: '/profile' });
    expect(securityOff.status).toBe(400);
    expect(securityOff.text).toContain('Ilmoitusasetuksia ei tallennettu');
    const weekly = await browser.post('/profile/notifications', { [REMINDER_KIND]: 'weekly' }, { page: '/profile' });
    expect(weekly.status).toBe(400);
    expect(errorFor(weekly.text, `notify-${REMINDER_KIND}`)).toBe('Valitse sähköposti, päivän kooste tai ei lainkaan.');
    expect(await db.query(`SELECT kind, channel FROM notification_preference WHERE user_id = $1`, [person.id])).toEqual([{ kind: REMINDER_KIND, channel: 'digest' }]);
  });

  it('offers session reminders by email or not at all (a digest would come too late), and refuses the digest for them', async () => {
    const person = await createUser(t);
    const browser = await signIn(t, person.email);
    const page = (await browser.get('/profile')).text;
    expect(page).toContain('id="notify-session.reminder-email"');
    expect(page).toContain('id="notify-session.reminder-off"');
    expect(page).not.toContain('id="notify-session.reminder-digest"');
    expect(page).toContain('id="notify-session.moved-digest"');
    const digest = await browser.post('/profile/notifications', { 'session.reminder': 'digest' }, { page: '/profile' });
    expect(digest.status).toBe(400);
    expect(await db.query(`SELECT kind FROM notification_preference WHERE user_id = $1`, [person.id])).toEqual([]);
    expect((await browser.post('/profile/notifications', { 'session.reminder': 'off' }, { page: '/profile' })).status).toBe(303);
  });

  it('changes the password: this browser stays signed in, every other session ends', async () => {
    const person = await createUser(t);
    const here = await signIn(t, person.email);
    const elsewhere = await signIn(t, person.email);
    const res = await here.post('/profile/password', { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD }, { page: '/profile' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/profile?saved=password');

    const page = await here.get('/profile?saved=password');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Salasana vaihdettu.');
    const other = await elsewhere.get('/profile');
    expect(other.status).toBe(303);
    expect(other.headers.location).toBe('/login?next=%2Fprofile');
    expect(await canSignIn(person.email, NEW_PASSWORD)).toBe(true);
    expect(await canSignIn(person.email, TEST_PASSWORD)).toBe(false);
  });

  it('refuses a wrong current password and a weak new one, never showing either, changing nothing', async () => {
    const person = await createUser(t);
    const browser = await signIn(t, person.email);
    const wrong = await browser.post('/profile/password', { currentPassword: 'Ei-oikea-salasana-1', newPassword: NEW_PASSWORD }, { page: '/profile' });
    expect(wrong.status).toBe(400);
    expect(errorFor(wrong.text, 'profile-current-password')).toBe('Nykyinen salasana ei täsmää.');
    const weak = await browser.post('/profile/password', { currentPassword: TEST_PASSWORD, newPassword: 'salasana2024!' }, { page: '/profile' });
    expect(weak.status).toBe(400);
    expect(errorFor(weak.text, 'profile-new-password')).toBe('Tämä salasana on liian yleinen. Valitse jokin muu.');
    for (const res of [wrong, weak]) for (const typed of ['Ei-oikea-salasana-1', NEW_PASSWORD, TEST_PASSWORD, 'salasana2024!']) expect(res.text).not.toContain(typed);
    expect((await browser.get('/profile')).status).toBe(200);
    expect(await canSignIn(person.email, TEST_PASSWORD)).toBe(true);
  });

  it('makes guessing the current password wait after five wrong ones, with how long to wait', async () => {
    const person = await createUser(t);
    const browser = await signIn(t, person.email);
    const csrf = await browser.csrfToken('/profile');
    const attempt = () =>
      t.http.post('/profile/password').set('cookie', browser.cookieHeader()).type('form').send({ _csrf: csrf, currentPassword: 'Arvaus-salasana-99', newPassword: NEW_PASSWORD });
    for (let i = 0; i < 6; i++) expect((await attempt()).status).toBe(400);
    const blocked = await attempt();
    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain('Liian monta yritystä. Odota 1 s ja yritä sitten uudelleen.');
    expect(blocked.headers['retry-after']).toBe('1');
  });

  it('exports the person’s own data as a download, without secrets and without other people', async () => {
    const person = await createUser(t, { email: 'own.data@verohallinto.fi', agencyId: verohallinto });
    const other = await createUser(t, { email: 'someone.else@tulli.fi' });
    const notifications = t.app.get(NotificationsService);
    await notifications.notify(REMINDER_KIND, { userId: person.id, email: person.email, language: 'fi' }, { requestedAt: new Date().toISOString() });
    await notifications.notify(REMINDER_KIND, { userId: other.id, email: other.email, language: 'fi' }, { requestedAt: new Date().toISOString() });
    await notifications.setPreference(person.id, REMINDER_KIND, 'off');
    const issued = await t.app.get(ApiTokensService).issue(person.id, { name: 'Raportointi' });
    await t.app.get(ApiTokensService).issue(other.id, { name: 'Toisen avain' });
    const users = t.app.get(UserService);
    await users.audit(db.manager, { actorUserId: other.id, action: 'user.role-changed', targetType: 'user', targetId: person.id, details: { role: 'admin' } });
    await users.audit(db.manager, { actorUserId: person.id, action: 'user.role-changed', targetType: 'user', targetId: other.id, details: { role: 'admin' } });

    const res = await (await signIn(t, person.email)).get('/profile/data.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="verso-my-data-\d{4}-\d{2}-\d{2}\.json"$/);
    const data = JSON.parse(res.text);
    expect(data.profile).toMatchObject({ email: 'own.data@verohallinto.fi', displayName: 'Aino Äijälä', language: 'fi' });
    expect(data.agency).toEqual({ id: verohallinto, name: 'Verohallinto' });
    expect(data.notificationPreferences).toEqual([{ kind: REMINDER_KIND, channel: 'off' }]);
    expect(data.notifications).toEqual([expect.objectContaining({ kind: REMINDER_KIND, status: expect.any(String), createdAt: expect.any(String) })]);
    expect(data.apiTokens).toEqual([expect.objectContaining({ name: 'Raportointi', revokedAt: null, lastUsedAt: null })]);
    // Who acted is a role, never a person (test/personal-data.test.ts has the rest of the download).
    expect(data.auditLog).toEqual([expect.objectContaining({ action: 'user.role-changed', by: 'someoneElse' })]);
    expect(data.auditLogByYou).toEqual([{ action: 'user.role-changed', targetType: 'user', targetId: null, createdAt: expect.any(String) }]);

    for (const secret of ['someone.else', other.id, 'Toisen avain', issued.token, 'argon2', 'hash']) expect(res.text).not.toContain(secret);
  });

  it('records an erasure request once, for an admin to confirm, and keeps the person signed in', async () => {
    const person = await createUser(t);
    const browser = await signIn(t, person.email);
    const res = await browser.post('/profile/erasure', {}, { page: '/profile' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/profile?saved=erasure');
    const first = (await userRow(person.id)).erasure_requested_at;
    expect(first).toBeInstanceOf(Date);

    expect((await browser.post('/profile/erasure', {}, { page: '/profile' })).status).toBe(303);
    expect((await userRow(person.id)).erasure_requested_at).toEqual(first);
    const audit = await db.query(`SELECT action, actor_user_id FROM audit_log WHERE target_type = 'user' AND target_id = $1`, [person.id]);
    expect(audit).toEqual([{ action: 'erasure.requested', actor_user_id: person.id }]);

    const page = await browser.get('/profile?saved=erasure');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Poistopyyntösi on kirjattu. Ylläpitäjä vahvistaa sen.');
    expect(page.text).toContain('Pyysit tunnuksesi poistamista');
    expect(page.text).not.toContain('action="/profile/erasure"');
  });

  it('changes only this browser’s language from the switcher, never the saved profile (a link from another site can follow it)', async () => {
    const person = await createUser(t, { language: 'fi' });
    const browser = await signIn(t, person.email);
    const res = await browser.get('/language/en?next=/profile');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/profile');
    expect(browser.cookies.get('lang')).toBe('en');
    expect((await browser.get('/profile')).text).toContain('<html lang="en">');
    expect((await userRow(person.id)).language).toBe('fi');
    // Signing in elsewhere brings the saved language, which only the profile form changes.
    const elsewhere = await signIn(t, person.email);
    expect(elsewhere.cookies.get('lang')).toBe('fi');
  });

  describe('digest time, hiding one’s name, and the names of notification kinds', () => {
    const digestRow = async (id: string) => (await db.query(`SELECT digest_hour, digest_rhythm, hide_name_from_participants FROM app_user WHERE id = $1`, [id]))[0];

    it('shows the site’s default hour until the person chooses one, then saves their hour and rhythm', async () => {
      const person = await createUser(t);
      const browser = await signIn(t, person.email);
      const page = (await browser.get('/profile')).text;
      expect(page).toContain(`<option value="" selected>Palvelun oletus (${String(t.config.digestHour).padStart(2, '0')}.00)</option>`);
      expect(page).toContain('id="digest-rhythm-daily" name="rhythm" value="daily" checked');
      const saved = await browser.post('/profile/digest', { hour: '16', rhythm: 'weekdays' }, { page: '/profile' });
      expect(saved.status).toBe(303);
      expect(saved.headers.location).toBe('/profile?saved=digest');
      expect(await digestRow(person.id)).toMatchObject({ digest_hour: 16, digest_rhythm: 'weekdays' });
      const after = (await browser.get('/profile?saved=digest')).text;
      expect(after).toContain('Koosteen ajankohta on tallennettu.');
      expect(after).toContain('<option value="16" selected>16.00</option>');
      expect(after).toContain('id="digest-rhythm-weekdays" name="rhythm" value="weekdays" checked');
      // Back to the site's default, once a week.
      expect((await browser.post('/profile/digest', { hour: '', rhythm: 'weekly' }, { page: '/profile' })).status).toBe(303);
      expect(await digestRow(person.id)).toMatchObject({ digest_hour: null, digest_rhythm: 'weekly' });
    });

    it.each([
      ['an hour past 23', { hour: '24', rhythm: 'weekly' }, 'digest-hour', 'Valitse kellonaika väliltä 0–23.'],
      ['an hour that is no number', { hour: 'kahdeksan', rhythm: 'weekly' }, 'digest-hour', 'Valitse kellonaika väliltä 0–23.'],
      ['a negative hour', { hour: '-1', rhythm: 'weekly' }, 'digest-hour', 'Valitse kellonaika väliltä 0–23.'],
      ['an unknown rhythm', { hour: '9', rhythm: 'monthly' }, 'digest-rhythm', 'Valitse joka päivä, arkipäivisin tai kerran viikossa.'],
    ])('refuses %s with the message next to the field, keeps the input and saves nothing', async (_case, form, fieldId, message) => {
      const person = await createUser(t);
      await db.query(`UPDATE app_user SET digest_hour = 7, digest_rhythm = 'daily' WHERE id = $1`, [person.id]);
      const browser = await signIn(t, person.email);
      const res = await browser.post('/profile/digest', form, { page: '/profile' });
      expect(res.status).toBe(400);
      expect(res.text).toContain('Korjaa merkityt kohdat.');
      expect(errorFor(res.text, fieldId)).toBe(message);
      expect(res.text).toContain(`<option value="${form.hour}" selected>`);
      if (form.rhythm === 'weekly') expect(res.text).toContain('value="weekly" checked');
      expect(await digestRow(person.id)).toMatchObject({ digest_hour: 7, digest_rhythm: 'daily' });
    });

    it('saves “hide my name from other participants” with the details, and clears it when unticked', async () => {
      const person = await createUser(t, { displayName: 'Piilo Henkilö' });
      const browser = await signIn(t, person.email);
      expect((await browser.get('/profile')).text).toContain('id="profile-hide-name" name="hideName" value="1" aria-describedby');
      expect((await browser.post('/profile', { displayName: 'Piilo Henkilö', agencyId: '', language: 'fi', hideName: '1' }, { page: '/profile' })).status).toBe(303);
      expect((await digestRow(person.id)).hide_name_from_participants).toBe(true);
      expect((await browser.get('/profile')).text).toContain('name="hideName" value="1" checked');
      expect((await browser.post('/profile', { displayName: 'Piilo Henkilö', agencyId: '', language: 'fi' }, { page: '/profile' })).status).toBe(303);
      expect((await digestRow(person.id)).hide_name_from_participants).toBe(false);
      const forged = await browser.post('/profile', { displayName: 'Piilo Henkilö', agencyId: '', language: 'fi', hideName: 'maybe' }, { page: '/profile' });
      expect(forged.status).toBe(400);
      expect((await digestRow(person.id)).hide_name_from_participants).toBe(false);
    });

    it('names each kind of notification in the reader’s language, never by its key', async () => {
      const person = await createUser(t, { language: 'fi' });
      const browser = await signIn(t, person.email);
      const fi = (await browser.get('/profile')).text;
      expect(fi).toContain('<legend>Esihenkilön hyväksyntäpyyntö</legend>');
      expect(fi).toContain('<legend>Uusi viesti seuraamallasi kanavalla</legend>');
      expect(fi).not.toContain('<legend>enrolment.approval-requested</legend>');
      expect(fi).not.toMatch(/<legend>[a-z-]+\.[a-z.-]+<\/legend>/);
      await browser.get('/language/sv?next=/profile');
      const sv = (await browser.get('/profile')).text;
      expect(sv).toContain('<legend>Påminnelse om träff</legend>');
      expect(sv).not.toMatch(/<legend>[a-z-]+\.[a-z.-]+<\/legend>/);
    });
  });
});
