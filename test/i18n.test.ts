import en from '../src/i18n/messages/en.json';
import fi from '../src/i18n/messages/fi.json';
import sv from '../src/i18n/messages/sv.json';
import { negotiateLanguage, translate } from '../src/i18n/i18n';

describe('languages', () => {
  it('has every Finnish UI string in Swedish and English too, with the same placeholders', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const other of [sv, en] as Record<string, string>[]) {
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
