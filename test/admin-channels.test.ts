// The admin pages for the discussion channels, through the app as an admin uses it: creating a
// network channel, a refused form shown again with the input kept, renaming, reordering (as the
// admin list and every reader's channel list show it), archiving and bringing back, and what cannot
// be done to the announcements channel and to a round's forum.
import { DataSource } from 'typeorm';
import { Actor } from '../src/access/capabilities';
import { ForumsService } from '../src/forums/forums.service';
import { actorOf, createUser, signIn, WebClient } from './support/accounts';
import { newCohort } from './support/catalogue';
import { startTestApp, TestApp } from './support/test-app';

describe('admin pages for discussion channels', () => {
  let t: TestApp;
  let db: DataSource;
  let forums: ForumsService;
  let adminClient: WebClient;
  let userClient: WebClient;
  let admin: Actor;
  let user: Actor;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    forums = t.app.get(ForumsService);
    const adminUser = await createUser(t, { siteRole: 'admin', displayName: 'Maija Äijälä' });
    const plainUser = await createUser(t, { displayName: 'Åsa Öström', language: 'sv' });
    admin = actorOf(adminUser);
    user = actorOf(plainUser);
    adminClient = await signIn(t, adminUser.email);
    userClient = await signIn(t, plainUser.email);
  });
  afterAll(() => t.close());

  const channelCount = async () => (await db.query(`SELECT count(*)::int AS n FROM forum_channel`))[0].n as number;
  const channelNamed = async (fi: string) =>
    (await db.query(`SELECT id, kind, name, description, position, archived_at FROM forum_channel WHERE name->>'fi' = $1`, [fi]))[0] as
      | { id: string; kind: string; name: Record<string, string>; description: Record<string, string>; position: number; archived_at: Date | null }
      | undefined;
  /** The network channels' names in the order the admin list shows them. */
  const adminOrder = async () => {
    const page = await adminClient.get('/admin/channels');
    expect(page.status).toBe(200);
    const network = page.text.slice(page.text.indexOf('id="network-channels-heading"'), page.text.indexOf('id="cohort-channels-heading"'));
    return [...network.matchAll(/<td><a href="\/admin\/channels\/[0-9a-f-]{36}">([^<]+)<\/a><\/td>/g)].map((match) => match[1]);
  };
  /** The network channels' names in the order a reader's channel list has them. */
  const readerOrder = async (actor: Actor) => (await forums.channels(actor, 'fi')).filter((channel) => channel.kind !== 'cohort').map((channel) => channel.name);
  const form = (overrides: Record<string, string> = {}): Record<string, string> => ({
    nameFi: 'Ennakointi ja tulevaisuustyö',
    nameSv: 'Framsyn och framtidsarbete',
    nameEn: 'Foresight',
    descriptionFi: 'Skenaarioita, heikkoja signaaleja ja ennakoinnin työkaluja virastojen arkeen.',
    descriptionSv: '',
    descriptionEn: 'Scenarios, weak signals and foresight tools for everyday work in agencies.',
    ...overrides,
  });

  it('is for site admins only: anyone else is refused, 403, and nothing is stored', async () => {
    const before = await channelCount();
    expect((await userClient.get('/admin/channels')).status).toBe(403);
    expect((await userClient.get('/admin/channels/new')).status).toBe(403);
    expect((await userClient.post('/admin/channels', form({ nameFi: 'Salakanava' }), { page: '/profile' })).status).toBe(403);
    const [announcements] = await db.query(`SELECT id FROM forum_channel WHERE kind = 'announcements'`);
    expect((await userClient.post(`/admin/channels/${announcements.id}/move-down`, {}, { page: '/profile' })).status).toBe(403);
    expect(await channelCount()).toBe(before);
    expect(await channelNamed('Salakanava')).toBeUndefined();
    expect((await adminClient.get('/admin/users')).text).toContain('<a href="/admin/channels">Keskustelukanavat</a>');
  });

  it('creates a network channel with its texts in three languages, last in the order for everyone', async () => {
    const res = await adminClient.post('/admin/channels', form(), { page: '/admin/channels/new' });
    expect(res.status).toBe(303);
    const stored = (await channelNamed('Ennakointi ja tulevaisuustyö'))!;
    expect(res.headers.location).toBe(`/admin/channels/${stored.id}?done=created`);
    expect(stored).toMatchObject({
      kind: 'network',
      name: { fi: 'Ennakointi ja tulevaisuustyö', sv: 'Framsyn och framtidsarbete', en: 'Foresight' },
      description: { fi: 'Skenaarioita, heikkoja signaaleja ja ennakoinnin työkaluja virastojen arkeen.', en: 'Scenarios, weak signals and foresight tools for everyday work in agencies.' },
      position: 4,
      archived_at: null,
    });
    expect(stored.description.sv).toBeUndefined();

    const page = await adminClient.get(res.headers.location);
    expect(page.text).toContain('Kanava luotu.');
    expect(page.text).toContain('value="Framsyn och framtidsarbete"');
    expect(await adminOrder()).toEqual(['Tiedotteet', 'Yleinen keskustelu', 'Tapahtumat', 'Työkalut ja menetelmät', 'Ennakointi ja tulevaisuustyö']);
    expect(await readerOrder(user)).toEqual(['Tiedotteet', 'Yleinen keskustelu', 'Tapahtumat', 'Työkalut ja menetelmät', 'Ennakointi ja tulevaisuustyö']);
    expect((await forums.channels(user, 'sv')).map((channel) => channel.name)).toContain('Framsyn och framtidsarbete');
  });

  it('shows a refused form again with each message next to its field and the input kept, storing nothing', async () => {
    const before = await channelCount();
    const res = await adminClient.post('/admin/channels', form({ nameFi: '   ', nameSv: 'Öppen kanal för Åbo', descriptionEn: 'x'.repeat(1001) }), { page: '/admin/channels/new' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="channel-name-fi-error">Kirjoita kanavan nimi suomeksi.');
    expect(res.text).toContain('id="channel-description-en-error">Kuvaus on enintään 1000 merkkiä.');
    expect(res.text).toContain('value="Öppen kanal för Åbo"');
    expect(res.text).toContain(`>${'x'.repeat(1001)}</textarea>`);

    const long = await adminClient.post('/admin/channels', form({ nameFi: 'Ä'.repeat(101) }), { page: '/admin/channels/new' });
    expect(long.status).toBe(400);
    expect(long.text).toContain('id="channel-name-fi-error">Nimi on enintään 100 merkkiä.');
    expect(long.text).toContain(`value="${'Ä'.repeat(101)}"`);

    const unknown = await adminClient.post('/admin/channels', { ...form({ nameFi: 'Tuntematon kenttä' }), kind: 'announcements' }, { page: '/admin/channels/new' });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('kind: Tätä kenttää ei tunneta.');
    expect(await channelCount()).toBe(before);
  });

  it('renames a channel and edits its descriptions, which every reader then sees', async () => {
    const { id } = (await channelNamed('Ennakointi ja tulevaisuustyö'))!;
    const res = await adminClient.post(`/admin/channels/${id}`, form({ nameFi: 'Ennakointi', nameSv: 'Framsyn', descriptionFi: 'Tulevaisuuksia yhdessä.' }), { page: `/admin/channels/${id}` });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/admin/channels/${id}?done=saved`);
    expect((await adminClient.get(res.headers.location)).text).toContain('Muutokset tallennettu.');
    const readers = await forums.channels(user, 'sv');
    expect(readers.find((channel) => channel.id === id)).toMatchObject({ name: 'Framsyn', description: 'Tulevaisuuksia yhdessä.' });

    const refused = await adminClient.post(`/admin/channels/${id}`, form({ nameFi: '' }), { page: `/admin/channels/${id}` });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('id="channel-name-fi-error">Kirjoita kanavan nimi suomeksi.');
    expect((await channelNamed('Ennakointi'))!.id).toBe(id);
  });

  it('moves a channel up and down one place, in the admin list and in every reader’s list', async () => {
    const { id } = (await channelNamed('Ennakointi'))!;
    const up = await adminClient.post(`/admin/channels/${id}/move-up`, {}, { page: '/admin/channels' });
    expect(up.status).toBe(303);
    expect(up.headers.location).toBe(`/admin/channels?done=moved#channel-${id}`);
    expect(await adminOrder()).toEqual(['Tiedotteet', 'Yleinen keskustelu', 'Tapahtumat', 'Ennakointi', 'Työkalut ja menetelmät']);
    expect(await readerOrder(user)).toEqual(['Tiedotteet', 'Yleinen keskustelu', 'Tapahtumat', 'Ennakointi', 'Työkalut ja menetelmät']);

    const { id: announcements } = (await channelNamed('Tiedotteet'))!;
    expect((await adminClient.post(`/admin/channels/${announcements}/move-down`, {}, { page: '/admin/channels' })).status).toBe(303);
    expect(await readerOrder(user)).toEqual(['Yleinen keskustelu', 'Tiedotteet', 'Tapahtumat', 'Ennakointi', 'Työkalut ja menetelmät']);
    expect((await adminClient.post(`/admin/channels/${announcements}/move-up`, {}, { page: '/admin/channels' })).status).toBe(303);

    // The first cannot go higher: nothing changes, and the list says nothing moved.
    const top = await adminClient.post(`/admin/channels/${announcements}/move-up`, {}, { page: '/admin/channels' });
    expect(top.headers.location).toBe(`/admin/channels#channel-${announcements}`);
    const positions: { position: number }[] = await db.query(`SELECT position FROM forum_channel WHERE cohort_id IS NULL ORDER BY position`);
    expect(positions.map((row) => row.position)).toEqual([0, 1, 2, 3, 4]);
    expect(await adminOrder()).toEqual(['Tiedotteet', 'Yleinen keskustelu', 'Tapahtumat', 'Ennakointi', 'Työkalut ja menetelmät']);

    const probe = await adminClient.post(`/admin/channels/${id}/move-up`, { position: '0' }, { page: '/admin/channels' });
    expect(probe.status).toBe(400);
    expect(probe.text).toContain('position: Tätä kenttää ei tunneta.');
    expect(await adminOrder()).toEqual(['Tiedotteet', 'Yleinen keskustelu', 'Tapahtumat', 'Ennakointi', 'Työkalut ja menetelmät']);
  });

  it('archives a channel: gone from non-admins’ list, closed to posting (409), and brings it back', async () => {
    const { id } = (await channelNamed('Ennakointi'))!;
    const { threadId } = await forums.startThread(user, id, { title: 'Heikot signaalit', body: 'Miten te keräätte heikkoja signaaleja?' }, 'fi');

    const res = await adminClient.post(`/admin/channels/${id}/archive`, {}, { page: '/admin/channels' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/admin/channels?done=archived#channel-${id}`);
    const list = await adminClient.get(res.headers.location);
    expect(list.text).toContain('Kanava arkistoitu.');
    expect(list.text).toMatch(new RegExp(`<tr id="channel-${id}" class="is-cancelled">[\\s\\S]*?Arkistoitu[\\s\\S]*?action="/admin/channels/${id}/unarchive"`));

    expect((await forums.channels(user, 'fi')).map((channel) => channel.id)).not.toContain(id);
    expect((await forums.channels(admin, 'fi')).find((channel) => channel.id === id)).toMatchObject({ archived: true, mayStartThread: false });
    await expect(forums.startThread(user, id, { title: 'Vielä yksi', body: 'Ehdinkö?' }, 'fi')).rejects.toMatchObject({ status: 409, reason: 'forum.channel.archived' });
    await expect(forums.reply(user, threadId, { body: 'Entä vastaus?' }, 'fi')).rejects.toMatchObject({ status: 409 });
    // Still readable.
    expect((await forums.threads(user, id, 'fi')).items.map((thread) => thread.title)).toEqual(['Heikot signaalit']);

    const again = await adminClient.post(`/admin/channels/${id}/archive`, {}, { page: '/admin/channels' });
    expect(again.headers.location).toBe(`/admin/channels#channel-${id}`);

    const back = await adminClient.post(`/admin/channels/${id}/unarchive`, {}, { page: '/admin/channels' });
    expect(back.status).toBe(303);
    expect(back.headers.location).toBe(`/admin/channels?done=unarchived#channel-${id}`);
    expect((await forums.channels(user, 'fi')).map((channel) => channel.id)).toContain(id);
    await expect(forums.reply(user, threadId, { body: 'Nyt onnistuu taas.' }, 'fi')).resolves.toMatchObject({ threadId });
    const audit: { action: string }[] = await db.query(`SELECT action FROM audit_log WHERE target_id = $1 ORDER BY created_at, action`, [id]);
    expect(audit.map((row) => row.action)).toEqual(expect.arrayContaining(['forum-channel.created', 'forum-channel.updated', 'forum-channel.moved', 'forum-channel.archived', 'forum-channel.unarchived']));
  });

  it('refuses to archive the announcements channel, 409, with the reason', async () => {
    const { id } = (await channelNamed('Tiedotteet'))!;
    const res = await adminClient.post(`/admin/channels/${id}/archive`, {}, { page: '/admin/channels' });
    expect(res.status).toBe(409);
    expect(res.text).toContain('Tiedotekanavaa ei voi arkistoida');
    expect((await channelNamed('Tiedotteet'))!.archived_at).toBeNull();
    const page = await adminClient.get(`/admin/channels/${id}`);
    expect(page.text).not.toContain(`action="/admin/channels/${id}/archive"`);
  });

  it('lets a round’s forum be archived but not renamed or moved, as it follows its round', async () => {
    const cohort = await newCohort(t, { name: 'Kevät 2027' });
    const [{ id }] = await db.query(`SELECT id FROM forum_channel WHERE cohort_id = $1`, [cohort.id]);
    const page = await adminClient.get(`/admin/channels/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Tämä on ryhmän oma keskustelualue.');
    expect(page.text).not.toContain('name="nameFi"');

    const rename = await adminClient.post(`/admin/channels/${id}`, form({ nameFi: 'Oma nimi' }), { page: `/admin/channels/${id}` });
    expect(rename.status).toBe(409);
    expect(rename.text).toContain('Ryhmän keskustelualueen nimeä ei muuteta täällä');
    expect((await adminClient.post(`/admin/channels/${id}/move-up`, {}, { page: '/admin/channels' })).status).toBe(409);
    expect((await db.query(`SELECT name FROM forum_channel WHERE id = $1`, [id]))[0].name).toEqual({});

    expect((await adminClient.post(`/admin/channels/${id}/archive`, {}, { page: '/admin/channels' })).status).toBe(303);
    expect((await db.query(`SELECT archived_at FROM forum_channel WHERE id = $1`, [id]))[0].archived_at).not.toBeNull();
    expect((await adminClient.post(`/admin/channels/${id}/unarchive`, {}, { page: '/admin/channels' })).status).toBe(303);
  });

  it('answers an unknown or malformed channel id with 404', async () => {
    expect((await adminClient.get('/admin/channels/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await adminClient.get('/admin/channels/ei-tunnus')).status).toBe(404);
    expect((await adminClient.post('/admin/channels/00000000-0000-4000-8000-000000000000/archive', {}, { page: '/admin/channels' })).status).toBe(404);
  });
});
