// The one permission model. Controllers declare what a route needs (access.decorator.ts); this file
// alone decides who has it. Site admins have every capability. Per-cohort roles (facilitator,
// participant) arrive with cohorts: they will grant capabilities within a scope ({ cohortId }),
// through `Actor.cohortRoles`, without any controller changing.
import type { SiteRole } from '../identity/user.entity';
import type { Language } from '../i18n/i18n';

export enum Capability {
  ProgrammeManage = 'programme.manage',
  CohortSchedule = 'cohort.schedule',
  ForumModerate = 'forum.moderate',
  UsersManage = 'users.manage',
  AgenciesManage = 'agencies.manage',
  OutboxManage = 'outbox.manage',
  /** Administering the discussion channels: creating, renaming and ordering the network's, archiving any. */
  ChannelsManage = 'channels.manage',
  /** Importing the register of trained developers' historical list. */
  RegisterManage = 'register.manage',
  /** Curating the toolkit library: adding, editing and removing entries, and deciding on the cases people submit. */
  ToolkitCurate = 'toolkit.curate',
  /** Writing, previewing, test-sending and scheduling the newsletter's editions. */
  NewsletterEdit = 'newsletter.edit',
}

export type CohortRole = 'facilitator' | 'participant';

/** The signed-in person a request acts for. */
export interface Actor {
  id: string;
  email: string;
  displayName: string;
  agencyId: string | null;
  language: Language;
  siteRole: SiteRole | null;
  /**
   * Whether the person has used the link mailed at sign-up. Until then they may sign in and read,
   * but not enrol, post or subscribe (mustHaveVerifiedEmail, asked by those services).
   */
  emailVerified: boolean;
  /** Filled with enrolment (the cohort_facilitator table exists; participants come with enrolments); empty until then. */
  cohortRoles?: ReadonlyMap<string, CohortRole>;
}

export interface Scope {
  cohortId?: string;
}

/** What a facilitator may do in their own cohort. */
const FACILITATOR_CAPABILITIES: ReadonlySet<Capability> = new Set([Capability.ForumModerate, Capability.CohortSchedule]);

export function can(actor: Actor | null | undefined, capability: Capability, scope: Scope = {}): boolean {
  if (!actor) return false;
  if (actor.siteRole === 'admin') return true;
  if (scope.cohortId && actor.cohortRoles?.get(scope.cohortId) === 'facilitator') return FACILITATOR_CAPABILITIES.has(capability);
  return false;
}
