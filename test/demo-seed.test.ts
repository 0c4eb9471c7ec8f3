import { DataSource } from 'typeorm';
import { DEMO_AGENCIES, DEMO_MAIL_RECIPIENTS, DEMO_PROGRAMMES } from '../src/demo/demo-data';
import { DemoSeedService } from '../src/demo/demo-seed.service';
import { startTestApp, TestApp } from './support/test-app';

describe('demo data', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ DEMO_DATA: 'true' });
  });
  afterAll(() => t.close());

  const count = async (table: string) => {
    const [row] = await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM ${table}`);
    return row.n as number;
  };

  it('seeds the four programmes and the demo agencies on an empty database at start', async () => {
    expect(await count('programme')).toBe(DEMO_PROGRAMMES.length);
    expect(await count('agency')).toBe(DEMO_AGENCIES.length);
    const names: { name: string }[] = await t.app.get(DataSource).query(`SELECT name FROM agency WHERE name IN ('Väylävirasto', 'Digi- ja väestötietovirasto')`);
    expect(names.map((n) => n.name).sort()).toEqual(['Digi- ja väestötietovirasto', 'Väylävirasto']);
    expect(await count('notification')).toBe(DEMO_MAIL_RECIPIENTS.length);
  });

  it('does not seed again once programmes exist, even after one was removed', async () => {
    await t.app.get(DataSource).query(`DELETE FROM programme WHERE slug = 'valmentava-johtajuus'`);
    expect(await t.app.get(DemoSeedService).seedIfEmpty()).toEqual({ programmes: 0, agencies: 0 });
    expect(await count('programme')).toBe(DEMO_PROGRAMMES.length - 1);
  });

  it('sorts agencies as Finnish does, with Ä after Z', async () => {
    const res = await t.http.get('/').set('cookie', 'lang=fi').expect(200);
    const agencies = [...res.text.matchAll(/<li>([^<]+)<\/li>/g)].map((m) => m[1]);
    expect(agencies.indexOf('Väylävirasto')).toBeGreaterThan(agencies.indexOf('Verohallinto'));
    expect(agencies.at(-1)).toBe('Väylävirasto');
  });
});
