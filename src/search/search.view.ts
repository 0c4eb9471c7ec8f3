// What the search page shows: the form as it was sent (the words, the kind, the dates, and the
// channel, programme or author a link narrowed it to), each kind's results under its own heading
// with a link to more of that kind, "did you mean", or the messages next to the fields at fault.
import { Language, translate } from '../i18n/i18n';
import { FieldMessages } from '../web/forms';
import { SEARCH_KINDS, SearchKind } from './search-sources';
import { SearchAnswer } from './search.service';

/** The page's parameters as they were sent ('' for one not sent). */
export interface SearchAsked {
  q: string;
  kind: string;
  channel: string;
  programme: string;
  author: string;
  from: string;
  to: string;
}

const NARROWING = ['channel', 'programme', 'author'] as const;

export function kindName(kind: SearchKind, lang: Language): string {
  return translate(lang, `search.kind.${kind}`);
}

/** /search with these parameters, the empty ones left out. */
export function searchHref(asked: Partial<SearchAsked> & { cursor?: string }): string {
  const params = new URLSearchParams(Object.entries(asked).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== ''));
  const query = params.toString();
  return query ? `/search?${query}` : '/search';
}

export function searchPage(lang: Language, asked: SearchAsked, outcome: { answer?: SearchAnswer; errors?: FieldMessages } = {}) {
  const { answer, errors } = outcome;
  const chosen = (SEARCH_KINDS as readonly string[]).includes(asked.kind) ? (asked.kind as SearchKind) : null;
  const groups = (answer?.groups ?? []).map((group) => {
    const name = kindName(group.kind, lang);
    const more = group.nextCursor !== null;
    return {
      kind: group.kind,
      headingId: `search-${group.kind}-heading`,
      heading: translate(lang, more ? 'search.group.headingMore' : 'search.group.heading', { kind: name, count: group.items.length }),
      items: group.items.map((item) => ({
        title: item.title,
        url: item.url,
        meta: [item.context, item.authorName].filter((part): part is string => !!part),
        hasMeta: !!(item.context || item.authorName || item.date),
        date: item.date,
        datetime: item.date ? item.date.toISOString() : null,
        snippetHtml: item.snippetHtml,
      })),
      // Every kind shown: the rest of this one on its own pages. One kind: its next page.
      moreHref: more && !chosen ? searchHref({ ...asked, kind: group.kind }) : null,
      moreText: translate(lang, 'search.more', { kind: name }),
      nextHref: more && chosen ? searchHref({ ...asked, cursor: group.nextCursor ?? '' }) : null,
    };
  });
  return {
    title: asked.q ? translate(lang, 'search.titleFor', { q: asked.q }) : translate(lang, 'search.title'),
    form: {
      ...asked,
      kinds: SEARCH_KINDS.map((kind) => ({ value: kind, label: kindName(kind, lang), selected: kind === asked.kind })),
      narrowed: NARROWING.filter((name) => asked[name] !== '').map((name) => ({
        name,
        value: asked[name],
        label: translate(lang, `search.narrowed.${name}`),
        removeHref: searchHref({ ...asked, [name]: '' }),
      })),
    },
    errors: errors ?? null,
    // A message for a field the form does not show (a cursor, a filter from a link) is told above the form.
    otherErrors: errors ? Object.entries(errors).filter(([field]) => !['q', 'kind', 'from', 'to'].includes(field)).map(([, message]) => message) : [],
    searched: !!answer,
    groups,
    didYouMean: answer?.didYouMean ? { text: answer.didYouMean, href: searchHref({ ...asked, q: answer.didYouMean }) } : null,
    filtered: !!(asked.kind || asked.from || asked.to || NARROWING.some((name) => asked[name] !== '')),
    clearHref: searchHref({ q: asked.q }),
  };
}
