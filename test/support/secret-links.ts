// The outbox holds a message's secret links sealed (src/notifications/secret-links.ts). A test that
// runs without an SMTP server reads one from the row as the worker does, with the app's key.
import { DataSource } from 'typeorm';
import { NotificationKinds } from '../../src/notifications/notification-kinds';
import { SecretLinks } from '../../src/notifications/secret-links';
import { TestApp } from './test-app';

/** The secret link `field` of the newest notification of this kind to this address, opened. */
export async function secretLinkTo(t: TestApp, kind: string, email: string, field: string): Promise<string> {
  const [row]: { payload: Record<string, unknown> }[] = await t.app
    .get(DataSource)
    .query(`SELECT payload FROM notification WHERE kind = $1 AND lower(recipient_email) = lower($2) ORDER BY created_at DESC LIMIT 1`, [kind, email]);
  if (!row) throw new Error(`no ${kind} notification to ${email}`);
  const link = t.app.get(SecretLinks).open(t.app.get(NotificationKinds).get(kind), row.payload)[field];
  if (typeof link !== 'string') throw new Error(`the ${kind} notification to ${email} has no ${field}`);
  return link;
}
