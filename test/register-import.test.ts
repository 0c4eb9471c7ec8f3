// Importing the historical list into the register (/admin/register/import): the preview names every
// bad row and why, a file with any error imports nothing (even when its confirm form is forged), a
// good one imports every row at once, and imported people are matched to their accounts, at import
// and when someone confirms that address later.
import { DataSource } from 'typeorm';
import { AgencyService } from '../src/identity/agency.service';
import { UserService } from '../src/identity/user.service';
import { createUser, signIn, WebClient } from './support/accounts';
import { newProgramme } from './support/catalogue';
import { startTestApp, TestApp } from './support/test-app';

const HEADER = 'name,email,agency,programme,year';

describe('importing the historical list into the register', () => {
  let t: TestApp;
  let db: DataSource;
  let admin: WebClient;
  let programmeId: string;
  const slug = 'kompleksisuus-2002';
  const thisYear = new Date().getFullYear();

  const imported = async (): Promise<number> => (await db.query(`SELECT count(*)::int AS count FROM historical_completion`))[0].count;
  const preview = (text: string) => admin.post('/admin/register/import', { body: text }, { page: '/admin/register/import' });
  const confirm = (text: string) => admin.post('/admin/register/import/confirm', { body: text }, { page: '/admin/register/import' });
  /** The messages of a line of the preview table, as text. */
  const rowText = (html: string, line: number): string => {
    const match = new RegExp(`<th scope="row">${line}</th>([\\s\\S]*?)</tr>`).exec(html);
    return match ? match[1].replace(/<[^>]+>/g, ' ').replace(/&#x27;/g, "'") : '';
  };

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    await t.app.get(AgencyService).ensure(['Verohallinto', 'Tulli']);
    programmeId = (await newProgramme(t, { slug })).id;
    const adminUser = await createUser(t, { siteRole: 'admin' });
    admin = await signIn(t, adminUser.email);
  }, 60000);

  afterAll(async () => {
    await t?.close();
  });

  it('refuses a file with a wrong header with one clear message, and stores nothing', async () => {
    const res = await preview('nimi,sposti,virasto,ohjelma,vuosi\nAino,aino@vero.fi,Verohallinto,kompleksisuus-2002,2005');
    expect(res.status).toBe(400);
    expect(res.text).toContain('Otsikkorivin pitää olla name,email,agency,programme,year, mutta se on nimi,sposti,virasto,ohjelma,vuosi.');
    expect(res.text).not.toContain('/admin/register/import/confirm');
    expect((await confirm('nimi,sposti,virasto,ohjelma,vuosi\nAino,aino@vero.fi,Verohallinto,kompleksisuus-2002,2005')).status).toBe(400);
    expect(await imported()).toBe(0);
    expect((await preview('')).status).toBe(400);
    expect((await preview('name,email\n"never closed')).text).toContain('lainausmerkki jää sulkematta');
  });

  it('lists every row with its errors, offers no confirm, and a forged confirm imports nothing', async () => {
    await db.query(
      `INSERT INTO historical_completion (person_name, email, agency_id, programme_id, year, import_id)
       SELECT 'Vanha Rivi', 'vanha@vero.fi', id, $1, 2004, gen_random_uuid() FROM agency WHERE name = 'Verohallinto'`,
      [programmeId],
    );
    const text = [
      HEADER,
      'Aino Ahkera,aino.ahkera@vero.fi,Verohallinto,kompleksisuus-2002,2005',
      'Aino Ahkera,AINO.AHKERA@vero.fi,verohallinto,kompleksisuus-2002,2005',
      'Vanha Rivi,vanha@vero.fi,Verohallinto,kompleksisuus-2002,2004',
      'Outi Outo,outi@esimerkki.fi,Maailman virasto,kompleksisuus-2002,2006',
      'Pekka Pe,pekka@tulli.fi,Tulli,Ei tällaista ohjelmaa,2007',
      'Sakari Sata,sakari@tulli.fi,Tulli,kompleksisuus-2002,1850',
      `Tuleva Tulevainen,tuleva@tulli.fi,Tulli,kompleksisuus-2002,${thisYear + 1}`,
      'Erkki Email,erkki-at-tulli.fi,Tulli,kompleksisuus-2002,2008',
      'Liian,vähän,sarakkeita',
    ].join('\n');
    const res = await preview(text);
    expect(res.status).toBe(400);
    expect(res.text).toContain('8/9 rivissä on virheitä.');
    expect(rowText(res.text, 2)).toContain('Kunnossa');
    expect(rowText(res.text, 3)).toContain('Sama henkilö ja ohjelma on jo rivillä 2.');
    expect(rowText(res.text, 4)).toContain('Tämä henkilö ja ohjelma on jo rekisterissä.');
    expect(rowText(res.text, 5)).toContain('Virastoa ei löydy Versosta.');
    expect(rowText(res.text, 6)).toContain('Valmennusohjelmaa ei löydy Versosta.');
    expect(rowText(res.text, 7)).toContain(`Vuoden pitää olla 1990–${thisYear}.`);
    expect(rowText(res.text, 8)).toContain(`Vuoden pitää olla 1990–${thisYear}.`);
    expect(rowText(res.text, 9)).toContain('Sähköpostiosoite ei ole kelvollinen.');
    expect(rowText(res.text, 10)).toContain('Rivillä pitää olla 5 saraketta, nyt 3.');
    expect(res.text).not.toContain('/admin/register/import/confirm');
    // The text is kept in the form for correcting.
    expect(res.text).toContain('Maailman virasto');

    const forged = await confirm(text);
    expect(forged.status).toBe(400);
    expect(await imported()).toBe(1);
  });

  it('imports a good file whole, linking rows to confirmed accounts, and later ones when their address is confirmed', async () => {
    const existing = await createUser(t, { email: 'riikka.rekisteri@tulli.fi', displayName: 'Riikka Rekisteri' });
    const text = [
      HEADER,
      'Riikka Rekisteri,Riikka.Rekisteri@tulli.fi,TULLI,kompleksisuus-2002,2003',
      '"Åberg, Åsa",asa.aberg@vero.fi,Verohallinto,Komplexitet och systemtänkande,2009',
      'Uuno Uusi,uuno.uusi@vero.fi,Verohallinto,Complexity and systems thinking,2012',
    ].join('\r\n');
    const res = await preview(text);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Kaikki 3 riviä ovat kunnossa.');
    expect(res.text).toContain('action="/admin/register/import/confirm"');
    expect(res.text).toContain('Åberg, Åsa');

    const done = await confirm(text);
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/admin/register/import?imported=3');
    expect((await admin.get(done.headers.location)).text).toContain('3 suoritusta tuotu.');
    const rows: { person_name: string; email: string; user_id: string | null; year: number }[] = await db.query(
      `SELECT person_name, email, user_id, year FROM historical_completion WHERE person_name <> 'Vanha Rivi' ORDER BY year`,
    );
    expect(rows).toEqual([
      { person_name: 'Riikka Rekisteri', email: 'riikka.rekisteri@tulli.fi', user_id: existing.id, year: 2003 },
      { person_name: 'Åberg, Åsa', email: 'asa.aberg@vero.fi', user_id: null, year: 2009 },
      { person_name: 'Uuno Uusi', email: 'uuno.uusi@vero.fi', user_id: null, year: 2012 },
    ]);

    // The same file again: every row is already in the register, and nothing is added.
    const again = await confirm(text);
    expect(again.status).toBe(400);
    expect(again.text).toContain('Tämä henkilö ja ohjelma on jo rekisterissä.');
    expect(await imported()).toBe(4);

    // Åsa signs up; her row is hers once she confirms the address, not before.
    const asa = await createUser(t, { email: 'asa.aberg@vero.fi', displayName: 'Åsa Åberg', emailVerified: false });
    const [before] = await db.query(`SELECT user_id FROM historical_completion WHERE email = 'asa.aberg@vero.fi'`);
    expect(before.user_id).toBeNull();
    await db.transaction((manager) => t.app.get(UserService).markEmailVerified(manager, asa.id));
    const [after] = await db.query(`SELECT user_id FROM historical_completion WHERE email = 'asa.aberg@vero.fi'`);
    expect(after.user_id).toBe(asa.id);

    // Uuno's account is made confirmed (as an admin or the demo makes one): matched at once.
    const uuno = await createUser(t, { email: 'UUNO.UUSI@vero.fi', displayName: 'Uuno Uusi' });
    const [matched] = await db.query(`SELECT user_id FROM historical_completion WHERE email = 'uuno.uusi@vero.fi'`);
    expect(matched.user_id).toBe(uuno.id);

    // Matched rows are in the person's own data download.
    const download = await (await signIn(t, asa.email)).get('/profile/data.json');
    expect(JSON.parse(download.text).completions).toEqual([expect.objectContaining({ programme: 'Kompleksisuus ja systeemiajattelu', imported: true, year: 2009, name: 'Åberg, Åsa' })]);
  });

  it('keeps only the numbers of an erased person’s imported rows, and ends their contact role', async () => {
    const person = await createUser(t, { email: 'erkki.erased@vero.fi', displayName: 'Erkki Poistuva' });
    const done = await confirm(`${HEADER}\nErkki Poistuva,erkki.erased@vero.fi,Verohallinto,${slug},2010`);
    expect(done.status).toBe(303);
    await db.query(`INSERT INTO agency_contact (user_id, agency_id) SELECT $1, id FROM agency WHERE name = 'Verohallinto'`, [person.id]);
    await db.query(`UPDATE app_user SET erasure_requested_at = now() WHERE id = $1`, [person.id]);
    const erased = await admin.post(`/admin/users/${person.id}/erase`, { confirm: 'yes' }, { page: `/admin/users/${person.id}` });
    expect(erased.status).toBe(303);
    const rows = await db.query(`SELECT person_name, email, user_id, anonymised_at FROM historical_completion WHERE year = 2010`);
    expect(rows).toEqual([{ person_name: null, email: null, user_id: null, anonymised_at: expect.any(Date) }]);
    expect(await db.query(`SELECT 1 FROM agency_contact WHERE user_id = $1`, [person.id])).toEqual([]);
  });

  it('is for admins only', async () => {
    const user = await createUser(t);
    const client = await signIn(t, user.email);
    expect((await client.get('/admin/register/import')).status).toBe(403);
    expect((await client.post('/admin/register/import/confirm', { body: `${HEADER}\nX Y,x@y.fi,Tulli,${slug},2005` }, { page: '/profile' })).status).toBe(403);
  });
});
