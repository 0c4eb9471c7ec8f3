import { MESSAGES, negotiateLanguage, translate } from '../src/i18n/i18n';

const { fi, sv, en } = MESSAGES;

describe('languages', () => {
  it('has every Finnish UI string in Swedish and English too, with the same placeholders', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const other of [sv, en]) {
      expect(Object.keys(other).sort()).toEqual(Object.keys(fi).sort());
      for (const [key, text] of Object.entries(fi)) expect([key, placeholders(other[key])]).toEqual([key, placeholders(text)]);
    }
  });

  it.each([
    [undefined, undefined, 'fi'],
    [undefined, 'sv-FI,sv;q=0.9,fi;q=0.8', 'sv'],
    [undefined, 'de-DE, en;q=0.7, sv;q=0.8', 'sv'],
    [undefined, 'en;q=0, fi;q=0.1', 'fi'],
    [undefined, 'garbage;;q=x', 'fi'],
    ['en', 'sv', 'en'],
    ['xx', 'en-US', 'en'],
  ])('chooses the language from cookie %p and Accept-Language %p: %s', (cookie, header, expected) => {
    expect(negotiateLanguage(cookie, header)).toBe(expected);
  });

  it('fills placeholders', () => {
    expect(translate('en', 'programme.updated', { date: '1 March 2027' })).toBe('Updated 1 March 2027');
  });
});
