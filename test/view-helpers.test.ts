// {{#remember key}}: a block rendered once per key and page language and kept, at most
// FRAGMENTS_KEPT of them, the least recently used going first; without a key, rendered every time;
// a block the view model already found is used as it is. And the thread page's reply links, built
// once a page, are threadHref's.
import { createViewEngine } from '../src/views/view-engine';
import { FRAGMENTS_KEPT, fragmentsKept, keptFragment } from '../src/views/helpers/remember.helper';
import { replyHrefs, threadHref } from '../src/forums/forums.view';

describe('the remember helper', () => {
  const hbs = createViewEngine();
  let renders = 0;
  hbs.registerHelper('counted', () => String(++renders));
  const block = hbs.compile('{{#remember key}}<p>{{t "forums.post.reply"}} {{counted}}</p>{{/remember}}');

  it('renders a block once per key and language, and every time without a key', () => {
    const key = `kept-${Date.now()}`;
    const first = block({ key, lang: 'fi' });
    expect(first).toBe(`<p>Vastaa ${renders}</p>`);
    expect(block({ key, lang: 'fi' })).toBe(first);
    expect(block({ key, lang: 'sv' })).toBe(`<p>Svara ${renders}</p>`);
    expect(block({ key, lang: 'sv' })).not.toBe(first);
    const before = renders;
    block({ key: null, lang: 'fi' });
    block({ key: '', lang: 'fi' });
    expect(renders).toBe(before + 2);
  });

  it('uses the block a view model found kept, and lets a view model find a kept block', () => {
    const key = `found-${Date.now()}`;
    expect(keptFragment('fi', key)).toBeUndefined();
    const rendered = block({ key, lang: 'fi' });
    expect(keptFragment('fi', key)).toBe(rendered);
    expect(keptFragment('sv', key)).toBeUndefined();
    const before = renders;
    expect(hbs.compile('{{#remember key kept}}never{{/remember}}')({ key, kept: '<p>found</p>', lang: 'fi' })).toBe('<p>found</p>');
    expect(renders).toBe(before);
  });

  it('builds the reply links of a page as threadHref does', () => {
    const thread = '7f7c3b52-2b8e-4f43-9a55-0b1f8a7f2c11';
    const post = 'c0a80121-5a2b-4c4d-8e8f-123456789abc';
    for (const cursor of ['', 'WyIyMDI2LTEyLTA3VDIxOjI5OjU3LjA3NVoiLCJ4Il0']) {
      expect(replyHrefs(thread, cursor)(post)).toBe(threadHref(thread, { cursor, replyTo: post, anchor: 'reply' }));
    }
  });

  it(`keeps at most ${FRAGMENTS_KEPT} blocks, dropping the least recently used first`, () => {
    const often = `often-${Date.now()}`;
    const kept = block({ key: often, lang: 'fi' });
    for (let i = 0; i < FRAGMENTS_KEPT + 10; i++) {
      block({ key: `many-${i}`, lang: 'fi' });
      // Used again now and then: never the least recently used.
      if (i % 1000 === 0) expect(block({ key: often, lang: 'fi' })).toBe(kept);
    }
    expect(fragmentsKept()).toBe(FRAGMENTS_KEPT);
    expect(block({ key: often, lang: 'fi' })).toBe(kept);
    // The first of the many went long ago: rendered anew.
    const before = renders;
    block({ key: 'many-0', lang: 'fi' });
    expect(renders).toBe(before + 1);
  });
});
