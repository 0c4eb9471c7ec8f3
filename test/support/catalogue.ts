// Builders for the catalogue in one line: `await newProgramme(t)`, `await newCohort(t, { programmeId, capacity: 2 })`.
// They go through the real services, so what they make keeps every rule the app keeps.
import { randomBytes } from 'node:crypto';
import { Cohort, CohortStatus } from '../../src/catalogue/cohort.entity';
import { Programme, ProgrammeStatus } from '../../src/catalogue/programme.entity';
import { ProgrammeInput, ProgrammesService } from '../../src/catalogue/programmes.service';
import { CohortInput, SessionInput } from '../../src/catalogue/scheduling.rules';
import { SchedulingService } from '../../src/catalogue/scheduling.service';
import { FieldErrors, Refused } from '../../src/errors/domain-errors';
import { fromHelsinki } from '../../src/i18n/helsinki-time';
import { createUser } from './accounts';
import { TestApp } from './test-app';

/** A Helsinki wall-clock time as an instant: `helsinki(2027, 3, 16, 9)` is 16.3.2027 at 9:00. */
export function helsinki(year: number, month: number, day: number, hour = 9, minute = 0): Date {
  return fromHelsinki({ year, month, day, hour, minute });
}

/** An admin to act as (made once per app). */
const actors = new WeakMap<TestApp, Promise<string>>();
export function adminId(t: TestApp): Promise<string> {
  if (!actors.has(t)) actors.set(t, createUser(t, { siteRole: 'admin', displayName: 'Maija Äijälä' }).then((user) => user.id));
  return actors.get(t)!;
}

export async function newProgramme(t: TestApp, overrides: Partial<ProgrammeInput> & { status?: ProgrammeStatus } = {}): Promise<Programme> {
  const { status = 'published', ...fields } = overrides;
  const slug = fields.slug ?? `ohjelma-${randomBytes(3).toString('hex')}`;
  const programmes = t.app.get(ProgrammesService);
  const actor = await adminId(t);
  const programme = await programmes.create(actor, {
    slug,
    title: { fi: 'Kompleksisuus ja systeemiajattelu', sv: 'Komplexitet och systemtänkande', en: 'Complexity and systems thinking' },
    summary: { fi: 'Kolmen päivän valmennus.', sv: 'Tre dagars coachning.', en: 'Three days of coaching.' },
    description: { fi: 'Valmennus **kompleksisuusajatteluun**.' },
    theme: 'complexity',
    position: 0,
    facilitatorEmails: [],
    ...fields,
  });
  return status === 'draft' ? programme : programmes.setStatus(actor, programme.id, status);
}

/** Three on-site days in spring 2027 (Tuesdays 16.3., 13.4. and 11.5., 9–16 Helsinki time). */
export function springSessions(): SessionInput[] {
  return [
    { startsAt: helsinki(2027, 3, 16, 9), endsAt: helsinki(2027, 3, 16, 16) },
    { startsAt: helsinki(2027, 4, 13, 9), endsAt: helsinki(2027, 4, 13, 16) },
    { startsAt: helsinki(2027, 5, 11, 9), endsAt: helsinki(2027, 5, 11, 16) },
  ];
}

export function cohortInput(overrides: Partial<CohortInput> = {}): CohortInput {
  return {
    name: 'Kevät 2027',
    capacity: 20,
    agencySeatCap: null,
    requiresApproval: false,
    enrolmentOpensAt: helsinki(2027, 1, 11, 9),
    enrolmentClosesAt: helsinki(2027, 2, 28, 23, 59),
    cancellationDeadline: helsinki(2027, 3, 1, 12),
    deliveryMode: 'on_site',
    place: 'Valtiokonttori, Sörnäisten rantatie 13, Helsinki',
    meetingLink: null,
    facilitatorEmails: [],
    ...overrides,
  };
}

/** A cohort (published unless said otherwise) of a programme made for it unless one is given. */
export async function newCohort(
  t: TestApp,
  overrides: Partial<CohortInput> & { programmeId?: string; sessions?: SessionInput[]; status?: CohortStatus } = {},
): Promise<Cohort> {
  const { programmeId, sessions = springSessions(), status = 'published', ...fields } = overrides;
  const scheduling = t.app.get(SchedulingService);
  const actor = await adminId(t);
  const cohort = await scheduling.schedule(actor, programmeId ?? (await newProgramme(t)).id, { ...cohortInput(fields), sessions });
  return status === 'draft' ? cohort : scheduling.setCohortStatus(actor, cohort.id, status);
}

/** What a refused service call said: its field messages (FieldErrors) or its reason (Refused). */
export async function refusal(call: Promise<unknown>): Promise<Record<string, string> | string> {
  try {
    await call;
  } catch (error) {
    if (error instanceof FieldErrors) return error.fields;
    if (error instanceof Refused) return error.reason;
    throw error;
  }
  throw new Error('Expected a refusal, but the call succeeded');
}
