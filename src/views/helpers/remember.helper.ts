import { HelperOptions } from 'handlebars';

/** How many rendered blocks a process keeps: a post's block is 1–3 kB, so at most about 15 MB, a hundred busy pages of 50 posts. */
export const FRAGMENTS_KEPT = 5_000;

/** Rendered blocks by page language and key, least recently used first. */
const fragments = new Map<string, string>();

/**
 * The block kept under this key for pages in `lang`, if any (and kept longer for being asked): a
 * view model that finds it need not make the block's model at all, and hands it to the helper.
 */
export function keptFragment(lang: string, key: string): string | undefined {
  const at = `${lang}\u0000${key}`;
  const html = fragments.get(at);
  if (html !== undefined) {
    // Used again: to the end of the line, last to go.
    fragments.delete(at);
    fragments.set(at, html);
  }
  return html;
}

/**
 * Usage: {{#remember key kept}}…{{/remember}} — the block rendered once per key and page language
 * and kept for the next page that shows it: a post on a thread page many people read is rendered
 * once, not for every reader. The key must stand for everything the block shows besides the
 * language; the view model gives one only where it can (forums.view.ts: a post with no form in it,
 * as forms carry the request's own CSRF token), and without a key the block renders as usual.
 * `kept`, optional: the block as keptFragment() gave it to the view model.
 */
export function remember(this: unknown, key: unknown, ...rest: unknown[]): string {
  const options = rest.pop() as HelperOptions;
  if (typeof rest[0] === 'string') return rest[0];
  if (typeof key !== 'string' || key === '') return options.fn(this);
  const lang = String(options.data?.root?.lang);
  const html = keptFragment(lang, key);
  if (html !== undefined) return html;
  const rendered = options.fn(this);
  fragments.set(`${lang}\u0000${key}`, rendered);
  if (fragments.size > FRAGMENTS_KEPT) fragments.delete(fragments.keys().next().value!);
  return rendered;
}

/** How many rendered blocks are kept now. */
export const fragmentsKept = (): number => fragments.size;
