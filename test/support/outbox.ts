// Waiting on the outbox from a test: the worker sends on its own time, so a test that asserts a
// mail was NOT sent first lets every due mail leave.
import { DataSource } from 'typeorm';

/** Waits until every mail due so far has left the outbox (sent, failed or cancelled). */
export async function outboxSettled(db: DataSource, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [{ waiting }] = await db.query(`SELECT count(*)::int AS waiting FROM notification WHERE status IN ('pending', 'queued', 'sending') AND delivery = 'email' AND due_at <= now()`);
    if (waiting === 0) return;
    if (Date.now() > deadline) throw new Error(`${waiting} notifications still waiting`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
