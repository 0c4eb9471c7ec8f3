// Hostile titles and bodies, posted through the forms, never become executable markup on any page
// that shows them: the thread page (bodies, titles, the excerpt a reply quotes), the channel page,
// the edit form, a refused form shown again, and the search page with its highlighted snippets.
// Pages are checked by scanning every tag: no script-capable element, no event handler attribute,
// no style attribute, no javascript:, vbscript: or data: address; and links in posts carry
// rel="nofollow noopener".
import { createUser, signIn, WebClient } from './support/accounts';
import { startTestApp, TestApp } from './support/test-app';
import { DataSource } from 'typeorm';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

const NAMED: Record<string, string> = { colon: ':', tab: '\t', newline: '\n', amp: '&', quot: '"', apos: "'", lt: '<', gt: '>', sol: '/', lpar: '(', rpar: ')' };

/** An attribute value as a browser reads it: character references decoded. */
function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);?/gi, (whole, ref: string) => {
    if (ref[0] === '#') return String.fromCodePoint(ref[1].toLowerCase() === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10));
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}

const DANGEROUS_ELEMENTS = new Set(['script', 'iframe', 'frame', 'frameset', 'svg', 'math', 'object', 'embed', 'applet', 'style', 'base']);
const URL_ATTRIBUTES = /\s(href|src|action|formaction|xlink:href|data|srcdoc|background|poster)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi;

/** Every tag on the page that could run code when a browser loads it or a person clicks it. */
function executableMarkup(page: string): string[] {
  const found: string[] = [];
  for (const [tag] of page.matchAll(/<\/?[a-z][^>]*>/gi)) {
    const name = /^<\/?([a-z][a-z0-9:-]*)/i.exec(tag)![1].toLowerCase();
    if (DANGEROUS_ELEMENTS.has(name)) found.push(tag);
    else if (/[\s"'/]on[a-z]+\s*=/i.test(tag)) found.push(tag);
    else if (/\sstyle\s*=/i.test(tag)) found.push(tag);
    else {
      for (const [, , raw] of tag.matchAll(URL_ATTRIBUTES)) {
        // Browsers drop control characters and whitespace inside a scheme: "java\tscript:" runs.
        const value = decodeEntities(raw.replace(/^["']|["']$/g, '')).replace(/[\u0000-\u0020]/g, '').toLowerCase();
        if (/^(javascript|vbscript|data|livescript):/.test(value)) found.push(tag);
      }
    }
  }
  return found;
}

/** Links inside posts (their rendered Markdown) without rel="nofollow noopener". */
function linksWithoutRel(page: string): string[] {
  const bodies = [...page.matchAll(/<div class="rich-text"[^>]*>([\s\S]*?)<\/div>/g)].map((m) => m[1]).join('\n');
  return [...bodies.matchAll(/<a\s[^>]*>/gi)].map(([tag]) => tag).filter((tag) => !/\srel="nofollow noopener"/.test(tag));
}

/** Every link inside posts. */
const postLinks = (page: string) => [...[...page.matchAll(/<div class="rich-text"[^>]*>([\s\S]*?)<\/div>/g)].map((m) => m[1]).join('\n').matchAll(/<a\s[^>]*>/gi)].length;

/** Script shown as code: stored and shown as text, not refused. */
const SCRIPT_AS_CODE = ['```html\n<script>alert(1)</script>\n```', 'Älä kirjoita `<script>alert(1)</script>` tai `javascript:alert(1)`'];

const HOSTILE_BODIES = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)><circle r="10"></circle></svg>',
  '[klikkaa](javascript:alert(1))',
  '[klikkaa](JaVaScRiPt:alert(document.cookie))',
  '<javascript:alert(1)>',
  'Autolinkki javascript:alert(1) ja www.example.fi/polku?x=<script>',
  '[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '<iframe src="https://evil.example/"></iframe>',
  '<scr<script>ipt>alert(1)</scr</script>ipt>',
  '"><img src=x onerror=alert(1)>',
  "'><svg/onload=alert(1)>",
  '[lainaus](https://example.fi/" onmouseover="alert(1))',
  '<a href="javas&#99;ript:alert(1)">linkki</a>',
  '[entiteetti](javas&#99;ript:alert(1))',
  '[heksa](&#x6A;avascript:alert(1))',
  '[kulma](<javascript:alert(1)>)',
  '[viite][1]\n\n[1]: javascript:alert(1)',
  '<p style="background:url(javascript:alert(1))">tyyli</p>',
  '<svg><script>alert(1)</script></svg>',
  '![kuva](javascript:alert(1))',
  '![kuva](https://example.fi/kuva.png "otsikko\\" onerror=\\"alert(1)")',
  '[vb](vbscript:msgbox(1))',
  '<object data="x.swf"></object><embed src="x.swf">',
  '<style>body { display: none }</style>',
  '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
  '<a href="https://example.fi" onclick="alert(1)">klikki</a>',
  ...SCRIPT_AS_CODE,
  '<details open ontoggle=alert(1)>',
  '[ok](https://example.fi/turvallinen) ja https://example.fi/linkitetty',
];

/**
 * Bodies with a script tag or a script address outside code are refused with a message (400) and
 * stored nowhere; the rest are stored, harmless.
 */
const REFUSED = /<\s*\/?\s*script\b|(?:java|vb|live)\s*script\s*:|data\s*:\s*text\/html/i;
const STORED_BODIES = HOSTILE_BODIES.filter((body) => !REFUSED.test(body) || SCRIPT_AS_CODE.includes(body));
const REFUSED_BODIES = [...HOSTILE_BODIES.filter((body) => REFUSED.test(body) && !SCRIPT_AS_CODE.includes(body)), '`koodi` ja <script>alert(1)</script>', '\\`<script>alert(1)</script>`'];

const HOSTILE_TITLES = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'; alert(1); //",
  '{{constructor.constructor("alert(1)")()}}',
  '<svg onload=alert(1)>',
  'javascript:alert(1)',
];

describe('hostile input on the discussion pages', () => {
  let t: TestApp;
  let writer: WebClient;
  let reader: WebClient;
  let general: string;
  const threads: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    [writer, reader] = await Promise.all([createUser(t, { displayName: '<b onmouseover=alert(1)>Hyökkääjä</b>' }), createUser(t, { displayName: 'Lukija' })].map(async (user) => signIn(t, (await user).email)));
    [{ id: general }] = await t.app.get(DataSource).query(`SELECT id FROM forum_channel WHERE name->>'fi' = 'Yleinen keskustelu'`);
    // Each body opens a thread with a hostile title, and is quoted by a reply; all in Finnish and
    // with the searched word first (PostgreSQL's parser skips what follows an unclosed <script>).
    for (const [index, body] of STORED_BODIES.entries()) {
      const res = await writer.post(`/channels/${general}/threads`, { title: `${HOSTILE_TITLES[index % HOSTILE_TITLES.length]} ${index}`, body: `Kehittäjien verkosto:\n\n${body}`, language: 'fi' });
      expect([body, res.status]).toEqual([body, 303]);
      const threadId = new RegExp(`^/threads/(${UUID})`).exec(res.headers.location)![1];
      threads.push(threadId);
      const page = await reader.get(`/threads/${threadId}`);
      const [openingId] = [...page.text.matchAll(new RegExp(`id="post-(${UUID})"`, 'g'))].map((m) => m[1]);
      // A fence opens its own block: after words on the same line it would not be code.
      const reply = `Vastaus kehittäjien verkostolle:${body.startsWith('```') ? '\n\n' : ' '}${body}`;
      expect([body, (await reader.post(`/threads/${threadId}/posts`, { body: reply, replyToId: openingId, language: 'fi' })).status]).toEqual([body, 303]);
    }
  }, 120_000);

  afterAll(() => t?.close());

  it('refuses a body with a script or a script address, keeps the text in the form, and stores nothing', async () => {
    expect(REFUSED_BODIES.length).toBeGreaterThanOrEqual(8);
    const db = t.app.get(DataSource);
    const [before] = await db.query(`SELECT count(*)::int AS n FROM forum_post`);
    for (const body of REFUSED_BODIES) {
      const res = await writer.post(`/channels/${general}/threads`, { title: 'Skripti', body, language: 'fi' });
      expect([body, res.status]).toEqual([body, 400]);
      expect(res.text).toContain('Viestissä on skripti tai javascript:-osoite.');
      expect(res.text).toContain(body.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;').replace(/`/g, '&#x60;').replace(/=/g, '&#x3D;'));
      expect([body, executableMarkup(res.text)]).toEqual([body, []]);
      const reply = await writer.post(`/threads/${threads[0]}/posts`, { body, language: 'fi' });
      expect([body, reply.status]).toEqual([body, 400]);
    }
    expect(await db.query(`SELECT count(*)::int AS n FROM forum_post`)).toEqual([before]);
  });

  it('has a scan that finds executable markup', () => {
    for (const bad of [
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      '<p><a href="#" ONCLICK="alert(1)">x</a></p>',
      '<svg/onload=alert(1)>',
      '<a href="javas&#99;ript:alert(1)">x</a>',
      '<a href=" JaVa&#x09;ScRiPt:alert(1)">x</a>',
      '<a href=\'data:text/html,x\'>x</a>',
      '<iframe src="https://example.fi"></iframe>',
      '<p style="color:red">x</p>',
      '<object data="x">',
      '<a href=vbscript:msgbox(1)>x</a>',
    ]) {
      expect([bad, executableMarkup(bad).length > 0]).toEqual([bad, true]);
    }
    expect(executableMarkup('<p>&lt;script&gt;alert(1)&lt;/script&gt; <a href="https://example.fi/javascript:x" rel="nofollow noopener">x</a> onerror=alert(1)</p>')).toEqual([]);
    expect(linksWithoutRel('<div class="rich-text"><p><a href="https://example.fi">x</a></p></div>')).toHaveLength(1);
  });

  it('stores script written as code and shows it as code, not as markup', async () => {
    const body = 'Näin upotat skriptin: `<script src="x.js"></script>`\n\n```html\n<script>alert(1)</script>\n```\n\n    <a href="javascript:alert(1)">koodi</a>';
    const res = await writer.post(`/channels/${general}/threads`, { title: 'Koodiesimerkki', body, language: 'fi' });
    expect(res.status).toBe(303);
    const page = await reader.get(res.headers.location);
    expect(page.text).toContain('<code>&lt;script src="x.js"&gt;&lt;/script&gt;</code>');
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.text).toContain('<pre tabindex="0"><code>&lt;a href="javascript:alert(1)"&gt;koodi&lt;/a&gt;');
    expect(executableMarkup(page.text)).toEqual([]);
  });

  it('shows every hostile post and title on its thread page as text', async () => {
    for (const [index, threadId] of threads.entries()) {
      const page = await reader.get(`/threads/${threadId}`);
      expect(page.status).toBe(200);
      expect([STORED_BODIES[index], executableMarkup(page.text)]).toEqual([STORED_BODIES[index], []]);
      expect([STORED_BODIES[index], linksWithoutRel(page.text)]).toEqual([STORED_BODIES[index], []]);
      // Both posts are there, and the reply quotes the hostile one.
      expect(page.text.match(/<div class="rich-text"/g)).toHaveLength(2);
      expect(page.text).toContain('Vastaus viestiin, jonka kirjoitti');
    }
    const safe = await reader.get(`/threads/${threads[threads.length - 1]}`);
    expect(postLinks(safe.text)).toBeGreaterThanOrEqual(4);
    expect(safe.text).toContain('<a href="https://example.fi/turvallinen" rel="nofollow noopener">ok</a>');
    const svg = await reader.get(`/threads/${threads[STORED_BODIES.indexOf('<svg onload=alert(1)><circle r="10"></circle></svg>')]}`);
    expect(svg.text).toContain('&lt;svg onload=alert(1)&gt;');
  });

  it('lists hostile titles on the channel page as text', async () => {
    for (const path of ['/channels', `/channels/${general}`]) {
      const page = await reader.get(path);
      expect(page.status).toBe(200);
      expect(executableMarkup(page.text)).toEqual([]);
    }
    expect((await reader.get(`/channels/${general}`)).text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; 0');
  });

  it('shows hostile text as text in the edit form and in a refused form shown again', async () => {
    const page = await writer.get(`/threads/${threads[1]}`);
    const postId = new RegExp(`href="/posts/(${UUID})/edit`).exec(page.text)![1];
    const edit = await writer.get(`/posts/${postId}/edit`);
    expect(edit.status).toBe(200);
    expect(executableMarkup(edit.text)).toEqual([]);
    for (const body of HOSTILE_BODIES) {
      const refused = await writer.post(`/channels/${general}/threads`, { title: ' ', body });
      expect(refused.status).toBe(400);
      expect([body, executableMarkup(refused.text)]).toEqual([body, []]);
    }
    const titled = await writer.post(`/channels/${general}/threads`, { title: '"><script>alert(1)</script>', body: ' ' });
    expect(titled.status).toBe(400);
    expect(executableMarkup(titled.text)).toEqual([]);
  });

  it('shows hostile posts in search snippets as text, with only <mark> added', async () => {
    let next: string | null = `/search?q=${encodeURIComponent('kehittäjä')}&kind=post`;
    let results = 0;
    const snippetTexts: string[] = [];
    while (next) {
      const page = await reader.get(next);
      expect(page.status).toBe(200);
      expect(executableMarkup(page.text)).toEqual([]);
      results += (page.text.match(/<li class="session">/g) ?? []).length;
      const snippets = [...page.text.matchAll(/<\/p>\s*<p(?: lang="[a-z]+")?>([\s\S]*?)<\/p>\s*<\/li>/g)].map((m) => m[1]);
      expect(snippets.length).toBeGreaterThan(0);
      for (const snippet of snippets) {
        expect(snippet).toContain('<mark>');
        expect([snippet, [...snippet.matchAll(/<[^>]*>/g)].map(([tag]) => tag).filter((tag) => tag !== '<mark>' && tag !== '</mark>')]).toEqual([snippet, []]);
      }
      snippetTexts.push(...snippets);
      next = /<a href="([^"]+)" rel="next">/.exec(page.text)?.[1]?.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=') ?? null;
    }
    expect(results).toBe(STORED_BODIES.length * 2);
    // What looks like markup stays visible as text (PostgreSQL's headline drops what its parser reads as tags).
    expect(snippetTexts.join('\n')).toContain('&lt;svg onload=alert');
    const hostileQuery = await reader.get(`/search?q=${encodeURIComponent('<script>alert(1)</script> kehittäjä')}`);
    expect(executableMarkup(hostileQuery.text)).toEqual([]);
    expect(hostileQuery.text).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt; kehittäjä"');
  });
});
