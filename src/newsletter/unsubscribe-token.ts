// The key in a newsletter's unsubscribe address (List-Unsubscribe, RFC 8058, and the mail's footer):
// the subscriber's id and an HMAC of it under the server secret, so nothing need be stored per
// message and a forged or altered token names nobody. It stays valid as long as the subscriber does.
import { createHmac, timingSafeEqual } from 'node:crypto';

const PURPOSE = 'newsletter-unsubscribe:';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const mac = (secret: string, subscriberId: string) => createHmac('sha256', secret).update(PURPOSE).update(subscriberId).digest().subarray(0, 16);

/** The token for a subscriber: `<id>.<base64url mac>`. */
export function unsubscribeToken(secret: string, subscriberId: string): string {
  return `${subscriberId}.${mac(secret, subscriberId).toString('base64url')}`;
}

/** The subscriber a token names, or null when it is malformed or forged. */
export function subscriberOfToken(secret: string, token: string): string | null {
  const [id, given, extra] = String(token).split('.');
  if (extra !== undefined || !id || !given || !UUID.test(id)) return null;
  const expected = mac(secret, id);
  const actual = Buffer.from(given, 'base64url');
  return actual.length === expected.length && timingSafeEqual(actual, expected) ? id : null;
}
