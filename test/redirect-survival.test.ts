// One request must never stop the server: against the built app in a process of its own, sign-in
// and language-switch redirects with hostile `next` targets (once, a newline in it ended the process
// from inside the session store's callback). After each, the process is alive and Location is a
// path on this site.
import { startServingApp, waitForLive } from './support/app-process';

const ADMIN_EMAIL = 'maija.paluu@valtiokonttori.fi';
const ADMIN_PASSWORD = 'Kevät-ryhmä-2027-paluu';

/** Redirect targets as a person could send them (decoded: the form or query encodes them). */
export const HOSTILE_TARGETS = [
  '/\n/x',
  '/%0A/x',
  '/\r\nSet-Cookie: verso_session=x',
  '/%0D%0ALocation:%20https://evil.example',
  '/\t/evil.example',
  '/%09/evil.example',
  '/\u3002/x',
  '/\u3002evil.example',
  '/\\evil.example',
  '/\\/evil.example',
  '\\\\evil.example',
  '//evil.example',
  '///evil.example',
  '/%2F/evil.example',
  '/%2f%2fevil.example',
  '/%5Cevil.example',
  '/%5C%5Cevil.example',
  'https://evil.example',
  'http:evil.example',
  'https:/evil.example',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  '/\u2215evil.example',
  '/\u2215\u2215evil.example',
  '/\uff0fevil.example',
  '/\uff0f\uff0fevil.example',
  '/\u2044evil.example',
  '/\uff3cevil.example',
  '/\u29f8evil.example',
  '/\u0000',
  '/%00',
  '/\ud800',
  '/%ED%A0%80',
  '/\u007f',
  '/\u0085evil',
  '/\u00a0/evil.example',
  ' /x',
  '/x\u2028y',
  '/\u202e/x',
  '/%',
  '/%ZZ',
  '/%E0%A4%A',
  `/${'a'.repeat(10_000)}`,
  '/@evil.example',
  '',
  'evil.example',
  './/evil.example',
];

const wellFormed = (text: string) => !/\p{Cs}/u.test(text);

/** Same origin, and made of printable ASCII with no way to read as another host. */
function isSafeLocation(location: string | null, base: string): boolean {
  if (!location || !/^\/(?![/\\])[\x21-\x7e]*$/.test(location)) return false;
  return new URL(location, base).origin === new URL(base).origin;
}

describe('the server survives hostile redirect targets', () => {
  it('answers every sign-in and language redirect with a same-origin Location and stays up', async () => {
    expect(HOSTILE_TARGETS.length).toBeGreaterThanOrEqual(40);
    const app = await startServingApp('redirects', {
      DEMO_DATA: 'false',
      ADMIN_EMAIL,
      ADMIN_PASSWORD,
      LOG_LEVEL: 'warn',
    });
    const { base } = app;
    const live = async () => (await fetch(`${base}/health/live`)).status;
    try {
      await waitForLive(base, app.child);
      const failures: string[] = [];
      for (const target of HOSTILE_TARGETS) {
        const shown = JSON.stringify(target.slice(0, 60));
        // The sign-in form, as a browser posts it after following /login?next=…
        const page = await fetch(`${base}/login`);
        const cookie = page.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
        const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
        // A lone surrogate cannot be percent-encoded as UTF-8: sent as the bytes a lenient encoder writes.
        const next = wellFormed(target) ? encodeURIComponent(target) : '%2F%ED%A0%80';
        const body = `${new URLSearchParams({ _csrf: csrf, email: ADMIN_EMAIL, password: ADMIN_PASSWORD })}&next=${next}`;
        const signIn = await fetch(`${base}/login`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body }).catch((error: Error) => error);
        if (signIn instanceof Error) failures.push(`sign-in ${shown}: ${signIn.message}`);
        else if (signIn.status === 303 && !isSafeLocation(signIn.headers.get('location'), base)) failures.push(`sign-in ${shown}: Location ${signIn.headers.get('location')}`);
        else if (signIn.status !== 303 && signIn.status !== 400) failures.push(`sign-in ${shown}: status ${signIn.status}`);
        if ((await live().catch(() => 0)) !== 200) failures.push(`sign-in ${shown}: the server stopped`);

        const language = await fetch(`${base}/language/en?next=${next}`, { redirect: 'manual' }).catch((error: Error) => error);
        if (language instanceof Error) failures.push(`language ${shown}: ${language.message}`);
        else if (language.status === 303 && !isSafeLocation(language.headers.get('location'), base)) failures.push(`language ${shown}: Location ${language.headers.get('location')}`);
        else if (language.status !== 303 && language.status !== 400) failures.push(`language ${shown}: status ${language.status}`);
        if ((await live().catch(() => 0)) !== 200) failures.push(`language ${shown}: the server stopped`);
      }
      expect(failures).toEqual([]);
      expect(app.child.exitCode).toBeNull();
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- app output ---\n${app.output().slice(-5000)}`);
    } finally {
      await app.close();
    }
  }, 180_000);
});
