// Each area owns its tables (src/database/table-owners.ts): SQL in an area's source names only the
// tables it owns and the views other areas export; TypeORM repositories are used only for the
// area's own entities. Both a violation in the source tree and the checker's own catch are tested.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { TABLE_OWNERS, VIEW_EXPORTS } from '../src/database/table-owners';

const SRC = join(__dirname, '..', 'src');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path);
    return /\.(ts|sql)$/.test(entry.name) ? [path] : [];
  });
}

/** The text of a source file without its comments (strings kept: SQL lives in them). */
function withoutComments(text: string, sql: boolean): string {
  if (sql) return text.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '');
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === quote) quote = null;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else {
      if (c === "'" || c === '"' || c === '`') quote = c;
      out += c;
    }
  }
  return out;
}

/** Entity class name → table, from the @Entity('table') classes under src/. */
function entityTables(files: string[]): Map<string, string> {
  const classes = new Map<string, string>();
  for (const file of files.filter((name) => name.endsWith('.entity.ts'))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/@Entity\('([a-z_]+)'\)[\s\S]*?export class (\w+)/g)) classes.set(match[2], match[1]);
  }
  return classes;
}

const SQL_NAME = /\b(?:FROM|JOIN|UPDATE|INTO|DELETE\s+FROM|TABLE|ON|REFERENCES)\s+(?:ONLY\s+)?"?([a-z_]+)"?/gi;
const REPOSITORY_USE = /(?:getRepository|InjectRepository)\(\s*(\w+)\s*\)|\.(?:insert|update|delete|save|upsert|increment|decrement|remove|find|findOne|findBy|findOneBy|findOneByOrFail|count|countBy|exists|existsBy|createQueryBuilder)\(\s*(\w+)\s*[,)]/g;

/** Where an area's source reaches into a table it does not own: "file: table". */
export function ownershipViolations(area: string, file: string, source: string, entities: Map<string, string>): string[] {
  // A trigger may subscribe to another area's table (that is how SQL reacts to a change, as a domain
  // event does in TypeScript); what its function reads and writes is checked like any SQL.
  const text = withoutComments(source, file.endsWith('.sql')).replace(/\b(?:CREATE\s+(?:OR\s+REPLACE\s+)?TRIGGER|DROP\s+TRIGGER)\b[^;]*?\bON\s+"?[a-z_]+"?/gi, '');
  const found: string[] = [];
  for (const match of text.matchAll(SQL_NAME)) {
    const table = match[1].toLowerCase();
    const owner = TABLE_OWNERS[table];
    if (owner && owner !== area) found.push(`${file}: ${table} (owned by ${owner})`);
    const viewOwner = VIEW_EXPORTS[table];
    if (viewOwner && viewOwner !== area && /^(UPDATE|INTO|DELETE)/i.test(match[0])) found.push(`${file}: writes ${table}, a view ${viewOwner} exports for reading`);
  }
  for (const match of text.matchAll(REPOSITORY_USE)) {
    const table = entities.get(match[1] ?? match[2]);
    const owner = table && TABLE_OWNERS[table];
    if (owner && owner !== area) found.push(`${file}: repository of ${table} (owned by ${owner})`);
  }
  return found;
}

describe('table ownership', () => {
  const files = filesUnder(SRC);
  const entities = entityTables(files);

  it('knows the owner of every table an entity maps', () => {
    const unowned = [...entities.values()].filter((table) => !TABLE_OWNERS[table]);
    expect(unowned).toEqual([]);
  });

  it('finds no area naming a table it does not own, outside the views the owners export', () => {
    const violations = files.flatMap((file) => {
      const area = relative(SRC, file).split('/')[0];
      return ownershipViolations(area, relative(SRC, file), readFileSync(file, 'utf8'), entities);
    });
    expect(violations).toEqual([]);
  });

  it('catches a query that reaches into another area, and lets the exported view through', () => {
    const entitiesHere = new Map([['Enrolment', 'enrolment']]);
    const reaching = "const rows = await db.query(`SELECT e.user_id FROM enrolment e JOIN app_user u ON u.id = e.user_id`); // from cohort";
    expect(ownershipViolations('forums', 'forums/x.ts', reaching, entitiesHere)).toEqual([
      'forums/x.ts: enrolment (owned by enrolment)',
      'forums/x.ts: app_user (owned by identity)',
    ]);
    expect(ownershipViolations('forums', 'forums/x.ts', "db.getRepository(Enrolment).update(id, {})", entitiesHere)).toEqual(['forums/x.ts: repository of enrolment (owned by enrolment)']);
    expect(ownershipViolations('forums', 'forums/x.ts', 'SELECT m.user_id FROM cohort_member m JOIN person p ON p.id = m.user_id', entitiesHere)).toEqual([]);
    expect(ownershipViolations('forums', 'forums/x.sql', 'UPDATE cohort_member SET status = 1', entitiesHere)).toEqual(['forums/x.sql: writes cohort_member, a view enrolment exports for reading']);
    expect(ownershipViolations('enrolment', 'enrolment/x.ts', 'SELECT 1 FROM enrolment', entitiesHere)).toEqual([]);
    const subscribing = 'CREATE OR REPLACE TRIGGER enrolment_reminders AFTER INSERT ON enrolment FOR EACH ROW EXECUTE FUNCTION enrolment_reminders(); SELECT 1 FROM enrolment';
    expect(ownershipViolations('calendar', 'calendar/sql/x.sql', subscribing, entitiesHere)).toEqual(['calendar/sql/x.sql: enrolment (owned by enrolment)']);
  });
});
