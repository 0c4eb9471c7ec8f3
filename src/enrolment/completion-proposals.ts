// Who meets a round's completion rule, recomputed from the data each time (no table of proposals):
// under the attendance rule, once the last scheduled session's attendance has been saved (a row
// exists for it), every confirmed participant present at no fewer than K scheduled sessions (all of
// them when K is not set; never more than there are). Under "marked by the facilitator", nobody.
import { DataSource, EntityManager } from 'typeorm';
import { completionRuleOf, CohortCompletionRule } from '../catalogue/completion-rule';

export interface ProposedCompletion {
  userId: string;
  name: string;
  attended: number;
}

export interface CompletionProposals extends CohortCompletionRule {
  /** Scheduled sessions of the round. */
  sessionCount: number;
  /** Sessions to have attended: K, or all (capped at the number there are). */
  required: number;
  /** Attendance of the last scheduled session has been saved. */
  lastSessionMarked: boolean;
  /** By name; empty under the facilitator rule or before the last session is marked. */
  proposed: ProposedCompletion[];
}

export async function completionProposals(db: DataSource | EntityManager, cohortId: string): Promise<CompletionProposals> {
  const rule = (await completionRuleOf(db, cohortId)) ?? { rule: 'facilitator', minSessions: null };
  const [sessions]: { count: number; last_marked: boolean }[] = await db.query(
    `WITH scheduled AS (SELECT id, starts_at FROM session_listing WHERE cohort_id = $1 AND status = 'scheduled')
     SELECT (SELECT count(*)::int FROM scheduled) AS count,
            EXISTS (SELECT 1 FROM attendance a WHERE a.session_id = (SELECT id FROM scheduled ORDER BY starts_at DESC, id DESC LIMIT 1)) AS last_marked`,
    [cohortId],
  );
  const required = Math.min(rule.minSessions ?? sessions.count, sessions.count);
  const base = { ...rule, sessionCount: sessions.count, required, lastSessionMarked: sessions.last_marked };
  if (rule.rule !== 'attendance' || !sessions.last_marked || sessions.count === 0) return { ...base, proposed: [] };
  const proposed: ProposedCompletion[] = await db.query(
    `SELECT e.user_id AS "userId", p.display_name AS name, count(*)::int AS attended
       FROM enrolment e
       JOIN person p ON p.id = e.user_id
       JOIN attendance a ON a.user_id = e.user_id AND a.present
       JOIN session_listing s ON s.id = a.session_id AND s.cohort_id = e.cohort_id AND s.status = 'scheduled'
      WHERE e.cohort_id = $1 AND e.status = 'confirmed'
      GROUP BY e.user_id, p.display_name
     HAVING count(*) >= $2
      ORDER BY p.display_name COLLATE "fi-x-icu", e.user_id`,
    [cohortId, required],
  );
  return { ...base, proposed };
}
