// Markdown that people write (programme descriptions, agendas, later posts) becomes HTML here and
// only here: markdown-it without raw HTML, then sanitize-html with a short allow-list, so what a
// template prints with {{{ }}} can carry no script, style or event handler. Calendar programs get
// it as plain text (markdownAsText).
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

const markdown = new MarkdownIt({ html: false, linkify: true, breaks: false });

const ALLOWED: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'strong', 'em', 'a', 'ul', 'ol', 'li', 'blockquote', 'code', 'pre', 'h3', 'h4', 'hr'],
  allowedAttributes: { a: ['href', 'title', 'rel'], pre: ['tabindex'] },
  allowedSchemes: ['https', 'http', 'mailto'],
  // Headings written as # or ## would compete with the page's own h1 and h2.
  transformTags: {
    h1: 'h3',
    h2: 'h3',
    a: sanitizeHtml.simpleTransform('a', { rel: 'nofollow noopener' }),
    // A code block scrolls sideways inside itself on a narrow screen: focusable, so a keyboard can scroll it.
    pre: sanitizeHtml.simpleTransform('pre', { tabindex: '0' }),
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

/** A person a post @-mentions, as the post shows them: their name, linked where there is a page of people to link to. */
export interface MentionedPerson {
  name: string;
  href: string | null;
}

/** `@aino.virtanen`: not inside an email address or a word; a sentence's full stop is not part of the name. */
export const MENTION = /(?<![\p{L}\p{N}_.+@-])@([\p{L}\p{N}_%+-]+(?:\.[\p{L}\p{N}_%+-]+)*)/gu;

const posts = new MarkdownIt({ html: false, linkify: true, breaks: false });
// After linkify, so that an address is not read as a mention; text inside a link or code is left as it is.
posts.core.ruler.after('linkify', 'mentions', (state) => {
  const people = (state.env as { mentions?: Map<string, MentionedPerson> }).mentions;
  if (!people?.size) return;
  for (const block of state.tokens) {
    if (block.type !== 'inline' || !block.children) continue;
    const children: Token[] = [];
    let inLink = 0;
    for (const token of block.children) {
      if (token.type === 'link_open') inLink++;
      if (token.type === 'link_close') inLink--;
      if (token.type !== 'text' || inLink > 0) {
        children.push(token);
        continue;
      }
      let from = 0;
      for (const match of token.content.matchAll(MENTION)) {
        const person = people.get(match[1].toLowerCase());
        if (!person) continue;
        if (match.index > from) children.push(Object.assign(new state.Token('text', '', 0), { content: token.content.slice(from, match.index) }));
        children.push(Object.assign(new state.Token('mention', '', 0), { meta: person }));
        from = match.index + match[0].length;
      }
      if (from === 0) children.push(token);
      else if (from < token.content.length) children.push(Object.assign(new state.Token('text', '', 0), { content: token.content.slice(from) }));
    }
    block.children = children;
  }
});
posts.renderer.rules.mention = (tokens, index) => {
  const { name, href } = tokens[index].meta as unknown as MentionedPerson;
  const label = `@${posts.utils.escapeHtml(name)}`;
  return href ? `<a class="mention" href="${posts.utils.escapeHtml(href)}">${label}</a>` : `<strong class="mention">${label}</strong>`;
};

const POST_ALLOWED: sanitizeHtml.IOptions = { ...ALLOWED, allowedClasses: { a: ['mention'], strong: ['mention'] } };

/**
 * A post's Markdown as safe HTML, its @-mentions of `mentions` (keyed by the lower-case name as
 * written) shown as the person's name. Without mentions it is renderMarkdown's HTML.
 */
export function renderPost(source: string, mentions: Map<string, MentionedPerson> = new Map()): string {
  if (mentions.size === 0) return renderMarkdown(source);
  return sanitizeHtml(posts.render(source, { mentions }), POST_ALLOWED);
}

type Token = ReturnType<typeof markdown.parse>[number];

/** A code span: a run of backticks, not escaped, up to the next run of the same length. */
const CODE_SPAN = /(?<![\\`])(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g;

/**
 * The Markdown as written with its code blocks and code spans left out: what shows as prose or as a
 * link. A post that shows `<script>` as code is teaching, not attacking; the checks that refuse
 * script look only at this.
 */
export function markdownOutsideCode(source: string): string {
  const lines = source.split('\n');
  for (const token of markdown.parse(source, {})) {
    if ((token.type === 'fence' || token.type === 'code_block') && token.map) {
      for (let line = token.map[0]; line < token.map[1]; line++) lines[line] = '';
    }
  }
  return lines.join('\n').replace(CODE_SPAN, ' ');
}

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
