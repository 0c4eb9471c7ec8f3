// Round names that come from the term ("Kevät 2027", "ryhmä 1") in the reader's language, on the
// pages that name a round; a name of the programme team's own wording stays as written.
import { cohortNameIn as roundName } from '../src/i18n/cohort-name';
import { newCohort, newProgramme } from './support/catalogue';
import { startTestApp, TestApp } from './support/test-app';

/** The text of an HTML fragment, tags dropped and spaces collapsed. */
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();

describe('round names', () => {
  it('translates the term and the usual parts, and keeps a name of the team’s own as written', () => {
    expect(roundName('Kevät 2027', 'sv')).toBe('Våren 2027');
    expect(roundName('Syksy 2027', 'en')).toBe('Autumn 2027');
    expect(roundName('Kevät 2027 – ryhmä 1', 'sv')).toBe('Våren 2027 – grupp 1');
    expect(roundName('Kevät 2027 – ryhmä 2', 'en')).toBe('Spring 2027 – group 2');
    expect(roundName('Kevät 2027 – verkossa', 'en')).toBe('Spring 2027 – online');
    expect(roundName('Kevät 2027 – ryhmä 1', 'fi')).toBe('Kevät 2027 – ryhmä 1');
    expect(roundName('Kevät 2027 – Tampere', 'sv')).toBe('Våren 2027 – Tampere');
    expect(roundName('Kevät 2027 Jyväskylä', 'en')).toBe('Kevät 2027 Jyväskylä');
    expect(roundName('Johtamisen kevät', 'en')).toBe('Johtamisen kevät');
    expect(roundName('Kevät 2027', 'fi', { inSentence: true })).toBe('kevät 2027');
    expect(roundName('Kevät 2027 – ryhmä 1', 'sv', { inSentence: true })).toBe('våren 2027 – grupp 1');
    expect(roundName('Johtamisen kevät', 'fi', { inSentence: true })).toBe('Johtamisen kevät');
  });

  describe('on the pages', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t?.close());

    it('names the round in the reader’s language on the round’s page and the programme’s list of rounds', async () => {
      const programme = await newProgramme(t, { slug: 'valmentava-johtajuus' });
      const cohort = await newCohort(t, { programmeId: programme.id, name: 'Kevät 2027 – ryhmä 1' });
      const own = await newCohort(t, {
        programmeId: programme.id,
        name: 'Johtajien kevät',
        sessions: [{ startsAt: new Date('2027-04-20T06:00:00Z'), endsAt: new Date('2027-04-20T13:00:00Z') }],
      });

      const sv = await t.http.get(`/cohorts/${cohort.id}`).set('accept-language', 'sv').expect(200);
      expect(sv.text).toContain('<h1>Våren 2027 – grupp 1</h1>');
      expect(sv.text).toMatch(/<title>Våren 2027 – grupp 1 – /);
      const en = await t.http.get(`/cohorts/${cohort.id}`).set('accept-language', 'en').expect(200);
      expect(en.text).toContain('<h1>Spring 2027 – group 1</h1>');
      const fi = await t.http.get(`/cohorts/${cohort.id}`).set('accept-language', 'fi').expect(200);
      expect(fi.text).toContain('<h1>Kevät 2027 – ryhmä 1</h1>');

      const list = text((await t.http.get(`/programmes/${programme.slug}`).set('accept-language', 'en').expect(200)).text);
      expect(list).toContain('Spring 2027 – group 1');
      expect(list).toContain('Johtajien kevät');
      expect(list).not.toContain('ryhmä 1');
      expect(own.name).toBe('Johtajien kevät');
    });
  });
});
