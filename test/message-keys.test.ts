// Every message key the code names exists in Finnish (the other languages are kept in step with
// Finnish by i18n.test.ts), so no page or mail shows a bare key. Keys are found where they are
// written: translate(lang, key), translateMessage(lang, key), new FieldErrors({ field: key }),
// new Refused(key), new NotAllowed(key), withValues(key, …), constraintRefusal(error, { c: [field, key] }),
// counted(lang, key, n) (key.one and key.other), class-validator `message: key` options and the
// message arguments of the form-field decorators, view models' `…Key: key` (shown with {{t statusKey}}),
// and {{t "key"}} / (t "key") in views. A key put together in code is checked as far as it is
// written: a literal ending in '.' ('enrolment.refused.' + status) or a template (`mail.${kind}.subject`)
// must match at least one Finnish key. A key held in a variable or a table is not seen here (the
// request refusals' pages in web/http-exception.filter.ts: test/error-pages.test.ts shows each).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { MESSAGES } from '../src/i18n/i18n';
import { PROJECT_ROOT } from '../src/paths';

/** A key as written in code: exact, or a pattern for a composed one. */
interface KeyUse {
  where: string;
  key: string;
  /** For a composed key: what every key it can become matches. */
  pattern?: RegExp;
}

/** Calls whose argument at this index is a message key. */
const KEY_ARGUMENT: Record<string, number> = {
  translate: 1,
  translateMessage: 1,
  withValues: 0,
  Refused: 0,
  NotAllowed: 0,
  // Form-field decorators (web/form-fields.ts): their arguments are the messages they refuse with.
  IsDateInput: 0,
  IsTimeInput: 0,
  RequiredDate: 0,
  RequiredTime: 0,
};
/** Form-field decorators whose every string argument is a message key. */
const ALL_ARGUMENTS_ARE_KEYS = new Set(['RequiredText', 'OptionalText']);

const KEY_SHAPED = /^[a-z][A-Za-z0-9-]*(\.[A-Za-z0-9-]+)+\.?$/;
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function callee(node: ts.CallExpression | ts.NewExpression): string | null {
  const expression = node.expression;
  if (ts.isIdentifier(expression)) return expression.text;
  if (ts.isPropertyAccessExpression(expression)) return expression.name.text;
  return null;
}

/** The keys an expression can be, as far as its text says; none when it is not written out. */
function keysOf(node: ts.Expression, where: string): KeyUse[] {
  if (ts.isParenthesizedExpression(node)) return keysOf(node.expression, where);
  if (ts.isConditionalExpression(node)) return [...keysOf(node.whenTrue, where), ...keysOf(node.whenFalse, where)];
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
    const key = node.text;
    if (!KEY_SHAPED.test(key)) return [];
    return [key.endsWith('.') ? { where, key, pattern: new RegExp(`^${escape(key)}.+$`) } : { where, key }];
  }
  if (ts.isTemplateExpression(node)) {
    const parts = [node.head.text, ...node.templateSpans.map((span) => span.literal.text)];
    if (!KEY_SHAPED.test(parts.join('x'))) return [];
    return [{ where, key: parts.join('${…}'), pattern: new RegExp(`^${parts.map(escape).join('.+')}$`) }];
  }
  // 'enrolment.refused.' + status: the written start is a prefix.
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    let left: ts.Expression = node;
    while (ts.isBinaryExpression(left) && left.operatorToken.kind === ts.SyntaxKind.PlusToken) left = left.left;
    if ((ts.isStringLiteral(left) || ts.isNoSubstitutionTemplateLiteral(left)) && KEY_SHAPED.test(left.text)) {
      return [{ where, key: `${left.text}…`, pattern: new RegExp(`^${escape(left.text)}.+$`) }];
    }
  }
  return [];
}

/** The message keys a TypeScript source names, in the places listed at the top. */
export function keysInSource(path: string, text: string): KeyUse[] {
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const uses: KeyUse[] = [];
  const at = (node: ts.Node) => `${path}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const visit = (node: ts.Node): void => {
    if ((ts.isCallExpression(node) || ts.isNewExpression(node)) && node.arguments) {
      const name = callee(node);
      const args = node.arguments;
      if (name && name in KEY_ARGUMENT && args[KEY_ARGUMENT[name]]) uses.push(...keysOf(args[KEY_ARGUMENT[name]], at(node)));
      if (name && ALL_ARGUMENTS_ARE_KEYS.has(name)) args.forEach((arg) => uses.push(...keysOf(arg, at(node))));
      // counted(lang, 'forums.replies', n) says "1 reply" or "3 replies": the key's .one and .other.
      if (name === 'counted' && args[1]) {
        for (const use of keysOf(args[1], at(node)).filter((use) => !use.pattern)) uses.push({ ...use, key: `${use.key}.one` }, { ...use, key: `${use.key}.other` });
      }
      if (name === 'FieldErrors' && args[0] && ts.isObjectLiteralExpression(args[0])) {
        for (const property of args[0].properties) if (ts.isPropertyAssignment(property)) uses.push(...keysOf(property.initializer, at(property)));
      }
      if (name === 'constraintRefusal' && args[1] && ts.isObjectLiteralExpression(args[1])) {
        for (const property of args[1].properties) {
          if (ts.isPropertyAssignment(property) && ts.isArrayLiteralExpression(property.initializer) && property.initializer.elements[1]) {
            uses.push(...keysOf(property.initializer.elements[1], at(property)));
          }
        }
      }
    }
    // `message:` of class-validator options; `…Key:` of view models, which views show with {{t statusKey}}.
    if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && /^(message|\w+Key)$/.test(node.name.text)) uses.push(...keysOf(node.initializer, at(node)));
    ts.forEachChild(node, visit);
  };
  visit(file);
  return uses;
}

/** The keys a Handlebars view names with the t helper, comments aside. */
export function keysInView(path: string, text: string): KeyUse[] {
  const uses: KeyUse[] = [];
  const lines = text.replace(/\{\{!--[\s\S]*?--\}\}|\{\{![\s\S]*?\}\}/g, (comment) => comment.replace(/[^\n]/g, ' ')).split('\n');
  lines.forEach((line, i) => {
    for (const match of line.matchAll(/(?:\{\{~?|\()\s*t\s+"([^"]+)"/g)) uses.push({ where: `${path}:${i + 1}`, key: match[1] });
  });
  return uses;
}

/** The uses whose key no Finnish key is, or (composed) matches. */
export function missingKeys(uses: KeyUse[], keys: string[]): KeyUse[] {
  const known = new Set(keys);
  return uses.filter((use) => (use.pattern ? !keys.some((key) => use.pattern!.test(key)) : !known.has(use.key)));
}

function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(suffix))
    .map((entry) => join(entry.parentPath, entry.name));
}

const read = (path: string) => ({ path: relative(PROJECT_ROOT, path), text: readFileSync(path, 'utf8') });

describe('message keys', () => {
  const finnish = Object.keys(MESSAGES.fi);

  it('finds every key the code and the views name in the Finnish messages', () => {
    const uses = [
      ...filesUnder(join(PROJECT_ROOT, 'src'), '.ts').map(read).flatMap(({ path, text }) => keysInSource(path, text)),
      ...filesUnder(join(PROJECT_ROOT, 'views'), '.hbs').map(read).flatMap(({ path, text }) => keysInView(path, text)),
    ];
    // Enough found that a change in how keys are written would show here rather than pass unseen.
    expect(uses.length).toBeGreaterThan(1000);
    expect(missingKeys(uses, finnish).map((use) => `${use.where} ${use.key}`)).toEqual([]);
  });

  it('catches a missing key, written out or composed, in code and in views', () => {
    const source = `
      // translate(lang, 'not.in.a.comment')
      throw new FieldErrors({ title: 'programme.title.nowhere', body: withValues('forum.nowhere.tooLong', { max: 3 }) });
      translate(lang, ok ? 'programme.updated' : 'programme.nowhere');
      translate(lang, 'nowhere.refused.' + status);
      translate(lang, \`nowhere.\${kind}.subject\`);
      class Form { @IsString({ message: 'admin.nowhere.required' }) title: string; }
      const view = { statusKey: \`cohort.nowhere.\${status}\`, replies: counted(lang, 'forums.replies', 2), threads: counted(lang, 'forums.nowhere', 2) };
      throw new Refused('programme.updated');`;
    expect(missingKeys(keysInSource('src/example.ts', source), finnish).map((use) => use.key)).toEqual([
      'programme.title.nowhere',
      'forum.nowhere.tooLong',
      'programme.nowhere',
      'nowhere.refused.…',
      'nowhere.${…}.subject',
      'admin.nowhere.required',
      'cohort.nowhere.${…}',
      'forums.nowhere.one',
      'forums.nowhere.other',
    ]);
    const view = `{{!-- {{t "not.in.a.comment"}} --}}<h1>{{t "programme.updated"}}</h1>{{> field label=(t "forum.nowhere.label")}}`;
    expect(missingKeys(keysInView('views/example.hbs', view), finnish).map((use) => use.key)).toEqual(['forum.nowhere.label']);
  });
});
