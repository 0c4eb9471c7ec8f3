// Markdown that people write (programme descriptions, agendas, later posts) becomes HTML here and
// only here: markdown-it without raw HTML, then sanitize-html with a short allow-list, so what a
// template prints with {{{ }}} can carry no script, style or event handler. Calendar programs get
// it as plain text (markdownAsText).
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

const markdown = new MarkdownIt({ html: false, linkify: true, breaks: false });

const ALLOWED: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'strong', 'em', 'a', 'ul', 'ol', 'li', 'blockquote', 'code', 'pre', 'h3', 'h4', 'hr'],
  allowedAttributes: { a: ['href', 'title', 'rel'] },
  allowedSchemes: ['https', 'http', 'mailto'],
  // Headings written as # or ## would compete with the page's own h1 and h2.
  transformTags: {
    h1: 'h3',
    h2: 'h3',
    a: sanitizeHtml.simpleTransform('a', { rel: 'nofollow noopener' }),
  },
};

/**
 * Remembers the last few thousand results of a pure function of a text: the same agenda is written
 * into every one of a session's 10,000 reminders, the same description into every page view.
 */
function remembered(compute: (source: string) => string): (source: string | null | undefined) => string {
  const results = new Map<string, string>();
  return (source) => {
    if (!source) return '';
    let result = results.get(source);
    if (result === undefined) {
      result = compute(source);
      if (results.size >= 5_000) results.clear();
      results.set(source, result);
    }
    return result;
  };
}

/** Markdown as safe HTML. */
export const renderMarkdown = remembered((source) => sanitizeHtml(markdown.render(source), ALLOWED));

type Token = ReturnType<typeof markdown.parse>[number];

/** A paragraph's (or heading's) words: links keep their address when it differs from their text. */
function inlineText(tokens: Token[]): string {
  let text = '';
  let link: { href: string; from: number } | null = null;
  for (const token of tokens) {
    if (token.type === 'text' || token.type === 'code_inline' || token.type === 'image') text += token.content;
    else if (token.type === 'softbreak' || token.type === 'hardbreak') text += '\n';
    else if (token.type === 'link_open') link = { href: String(token.attrGet('href') ?? ''), from: text.length };
    else if (token.type === 'link_close' && link) {
      if (text.slice(link.from) !== link.href && link.href) text += ` (${link.href})`;
      link = null;
    }
  }
  return text;
}

/**
 * Markdown as the plain text a calendar program shows: paragraphs and list items kept, no markup,
 * no HTML. A feed shows the same few hundred agendas on every poll.
 */
export const markdownAsText = remembered(textOf);

function textOf(source: string): string {
  let text = '';
  const lists: { ordered: boolean; number: number }[] = [];
  for (const token of markdown.parse(source, {})) {
    switch (token.type) {
      case 'inline':
        text += inlineText(token.children ?? []);
        break;
      case 'bullet_list_open':
      case 'ordered_list_open':
        lists.push({ ordered: token.type === 'ordered_list_open', number: Number(token.attrGet('start') ?? 1) });
        break;
      case 'bullet_list_close':
      case 'ordered_list_close':
        lists.pop();
        text += '\n';
        break;
      case 'list_item_open': {
        const list = lists.at(-1);
        text += '  '.repeat(Math.max(0, lists.length - 1)) + (list?.ordered ? `${list.number++}. ` : '- ');
        break;
      }
      case 'paragraph_close':
      case 'heading_close':
        // A tight list's items are hidden paragraphs: one line each.
        text += token.hidden ? '\n' : '\n\n';
        break;
      case 'code_block':
      case 'fence':
        text += `${token.content}\n`;
        break;
      case 'hr':
        text += '\n';
        break;
    }
  }
  return text.replace(/\n{3,}/g, '\n\n').trim();
}
