import { createUser, signIn, WebClient } from './support/accounts';
import { startTestApp, TestApp } from './support/test-app';
describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(); });
  afterAll(() => t.close());
  it('registers, signs in, signs out', async () => {
    const c = new WebClient(t);
    const bad = await c.post('/register', { displayName: '', email: 'nope', password: 'salasana', language: 'fi' }, { page: '/register' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Nimen pituus on 1–200 merkkiä');
    const ok = await c.post('/register', { displayName: 'Åsa Öström', email: 'Asa.Ostrom@tulli.fi', password: 'Kevät-ryhmä-2027', language: 'sv' }, { page: '/register' });
    expect(ok.status).toBe(303);
    const home = await c.get('/');
    expect(home.text).toContain('Logga ut');
    const admin = await createUser(t, { siteRole: 'admin', email: 'maija@valtiokonttori.fi' });
    const a = await signIn(t, admin.email);
    expect((await a.get('/admin/outbox')).status).toBe(200);
    expect((await c.get('/admin/outbox')).status).toBe(403);
    const noCsrf = await c.post('/logout', {}, { csrf: false });
    expect(noCsrf.status).toBe(403);
    expect((await c.post('/logout')).status).toBe(303);
    expect((await c.get('/admin/outbox')).status).toBe(303);
  });
});
