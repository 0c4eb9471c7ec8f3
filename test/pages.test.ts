import { DEMO_PROGRAMMES } from '../src/demo/demo-data';
import { startTestApp, TestApp } from './support/test-app';

describe('web pages', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ DEMO_DATA: 'true' });
    // The demo seed (rounds, enrolments, discussions) takes its time on a busy 2-core machine.
  }, 120_000);
  afterAll(() => t.close());

  it.each([
    ['fi', 'fi-FI,fi;q=0.9', 'Valmennusohjelmat', 'Kompleksisuus ja systeemiajattelu'],
    ['sv', 'sv-FI,sv;q=0.9,en;q=0.5', 'Coachningsprogram', 'Komplexitet och systemtänkande'],
    ['en', 'en-GB,en;q=0.9', 'Coaching programmes', 'Complexity and systems thinking'],
  ])('renders the home page in %s from Accept-Language, listing the seeded programmes', async (lang, header, heading, firstTitle) => {
    const res = await t.http.get('/').set('accept-language', header).expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain(`<html lang="${lang}">`);
    expect(res.text).toContain(`<h1>${heading}</h1>`);
    expect(res.text).toContain(firstTitle);
    const titles = [...res.text.matchAll(/<h3 class="card__title"><a href="\/programmes\/([a-z0-9-]+)">/g)].map((m) => m[1]);
    expect(titles).toEqual(DEMO_PROGRAMMES.map((p) => p.slug));
  });

  it('shows the next round of each demo programme on the home page, linking to its page', async () => {
    const res = await t.http.get('/').set('cookie', 'lang=fi').expect(200);
    const rounds = [...res.text.matchAll(/Seuraava ryhmä: <a href="\/cohorts\/([0-9a-f-]{36})">([^<]+)<\/a>/g)].map((m) => m[2]);
    expect(rounds).toEqual(['Kevät 2027', 'Kevät 2027 – verkossa', 'Kevät 2027', 'Kevät 2027 – ryhmä 1']);
    const [, cohortPath] = /href="(\/cohorts\/[0-9a-f-]{36})"/.exec(res.text)!;
    const cohort = await t.http.get(cohortPath).set('cookie', 'lang=fi').expect(200);
    expect(cohort.text).toContain('<h1>Kevät 2027</h1>');
  });

  it('falls back to Finnish for a language it does not speak', async () => {
    const res = await t.http.get('/').set('accept-language', 'de-DE,de;q=0.9').expect(200);
    expect(res.text).toContain('<html lang="fi">');
  });

  it('lets the language switcher override Accept-Language with a cookie, and only redirects within the site', async () => {
    const switched = await t.http.get('/language/sv?next=/programmes/valmentava-johtajuus').expect(303);
    expect(switched.headers.location).toBe('/programmes/valmentava-johtajuus');
    const cookie = (switched.headers['set-cookie'] as unknown as string[]).find((line) => line.startsWith('lang='))!;
    expect(cookie).toMatch(/^lang=sv;/);
    expect(cookie).toMatch(/HttpOnly/);

    const page = await t.http.get('/programmes/valmentava-johtajuus').set('cookie', 'lang=sv').set('accept-language', 'en').expect(200);
    expect(page.text).toContain('<html lang="sv">');
    expect(page.text).toContain('<h1>Coachande ledarskap</h1>');

    const offsite = await t.http.get('/language/en?next=//evil.example/').expect(303);
    expect(offsite.headers.location).toBe('/');
    await t.http.get('/language/de').expect(404);
  });

  it('shows dates in Helsinki time in the reader’s language', async () => {
    const fi = await t.http.get('/programmes/kompleksisuus-ja-systeemiajattelu').set('cookie', 'lang=fi').expect(200);
    const updated = new Intl.DateTimeFormat('fi-FI', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Helsinki' });
    expect(fi.text).toMatch(/Päivitetty \S+ \d{1,2}\. \S+ \d{4}/);
    expect(fi.text).toContain(`Päivitetty ${updated.format(new Date())}`.slice(0, 12));
    const en = await t.http.get('/programmes/kompleksisuus-ja-systeemiajattelu').set('cookie', 'lang=en').expect(200);
    expect(en.text).toMatch(/Updated [A-Z][a-z]+(day),? \d{1,2} [A-Z][a-z]+ \d{4}/);
  });

  it('answers an unknown page with a 404 page in the reader’s language', async () => {
    const res = await t.http.get('/programmes/no-such-programme').set('accept-language', 'sv').expect(404);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('<h1>Sidan hittades inte</h1>');
    const api = await t.http.get('/api/v1/nothing-here').expect(404);
    expect(api.body.statusCode).toBe(404);
  });

  it('serves the stylesheet from the site itself', async () => {
    const css = await t.http.get('/static/verso.css').expect(200);
    expect(css.headers['content-type']).toMatch(/text\/css/);
    expect(css.text).toContain(':focus-visible');
  });

  it('has a favicon: linked from every page, and /favicon.ico leads to it rather than a 404', async () => {
    const page = await t.http.get('/').expect(200);
    expect(page.text).toContain('<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">');
    const icon = await t.http.get('/static/favicon.svg').expect(200);
    expect(icon.headers['content-type']).toMatch(/image\/svg\+xml/);
    expect(icon.body.toString()).toContain('#073763');
    const ico = await t.http.get('/favicon.ico').expect(301);
    expect(ico.headers.location).toBe('/static/favicon.svg');
  });

  it('sets security headers: a strict content security policy and no framing', async () => {
    const res = await t.http.get('/').expect(200);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('lists programmes over the JSON API in the asked language, and refuses an unknown language with 400', async () => {
    const res = await t.http.get('/api/v1/programmes?lang=en').expect(200);
    expect(res.body.items.map((p: { title: string }) => p.title)).toEqual(DEMO_PROGRAMMES.map((p) => p.title.en));
    const bad = await t.http.get('/api/v1/programmes?lang=xx').expect(400);
    expect(bad.body.fields).toEqual({ lang: 'Choose a language: Finnish, Swedish or English.' });
  });

  it('publishes the OpenAPI document generated from the controllers at /api/docs', async () => {
    const doc = await t.http.get('/api/docs/openapi.json').expect(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/v1/programmes', '/health/ready', '/health/live']));
    expect(doc.body.components.schemas.ProgrammeDto.required).toEqual(expect.arrayContaining(['slug', 'title']));
    const ui = await t.http.get('/api/docs').expect(200);
    expect(ui.text).toContain('Swagger UI');
  });
});
