// A round's completion rule as other areas read it (enrolment proposes and confirms completions by it):
// the cohort table is catalogue's, so this is the one place its rule columns are read from outside.
import { DataSource, EntityManager } from 'typeorm';
import { Language, translate } from '../i18n/i18n';
import { CompletionRule } from './cohort.entity';

export interface CohortCompletionRule {
  rule: CompletionRule;
  /** From attendance: at least this many of the scheduled sessions; null: all of them. */
  minSessions: number | null;
}

/** The round's rule, or null when there is no such round. */
export async function completionRuleOf(db: DataSource | EntityManager, cohortId: string): Promise<CohortCompletionRule | null> {
  const [row]: { completion_rule: CompletionRule; completion_min_sessions: number | null }[] = await db.query(
    `SELECT completion_rule, completion_min_sessions FROM cohort WHERE id = $1`,
    [cohortId],
  );
  return row ? { rule: row.completion_rule, minSessions: row.completion_min_sessions } : null;
}

/** "From attendance, at least 2 of the sessions" / "…, all sessions" / "Marked by the facilitator". */
export function completionRuleText(rule: { completionRule: string; completionMinSessions: number | null }, lang: Language): string {
  if (rule.completionRule === 'facilitator') return translate(lang, 'completion.rule.facilitator');
  return rule.completionMinSessions === null
    ? translate(lang, 'completion.rule.attendanceAll')
    : translate(lang, 'completion.rule.attendanceAtLeast', { count: rule.completionMinSessions });
}

