// Secret links in notifications: a password reset, a manager's approval, an unsubscribe address.
// Each is a key, so it may reach the recipient's mailbox and nothing else. A kind names the payload
// fields that hold one (NotificationKind.secretLinks); notify() seals them before the outbox row is
// written, the worker opens them just before it renders the mail, and all that is kept of the
// sending (the copy for the outbox page, the server's answer, errors and log lines, and through them
// BullMQ's failed reason in Redis) says "[link hidden]", in the message's language, instead. So
// neither an admin reading the outbox nor anyone holding a database backup can use a link.
//
// Sealing is AES-256-GCM under a key derived (HKDF) from the server secret for this purpose alone;
// the kind and field are bound in as associated data, so a sealed value cannot be moved elsewhere.
import { Inject, Injectable } from '@nestjs/common';
import Handlebars from 'handlebars';
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { CONFIG, Config } from '../config/config';
import { Language, translate } from '../i18n/i18n';
import { NotificationKind } from './notification-kinds';

/** A sealed field as stored: `v1.` then base64url of the IV, the ciphertext and the tag. */
interface Sealed {
  sealed: string;
}

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** The server secret also signs cookies and tokens: this key, derived for its own purpose, only seals links. */
const KEY_PURPOSE = 'verso notification secret links v1';

/** A sealed link that does not open: the server secret changed after the row was written, or the row was altered. */
export class UnreadableSecretLink extends Error {}

const isSealed = (value: unknown): value is Sealed =>
  typeof value === 'object' && value !== null && typeof (value as Sealed).sealed === 'string';

const associatedData = (kind: string, field: string) => Buffer.from(`${kind}\0${field}`);

/** Every declared secret link of these payloads that holds a value. */
function linksIn(kind: NotificationKind, payloads: Record<string, unknown>[]): string[] {
  return payloads.flatMap((payload) => kind.secretLinks.map((field) => payload[field]).filter((value): value is string => typeof value === 'string' && value !== ''));
}

@Injectable()
export class SecretLinks {
  private readonly key: Buffer;

  constructor(@Inject(CONFIG) config: Config) {
    // Empty only in a config that did not pass through createApp (withSessionSecret): never seal with no key.
    if (!config.sessionSecret) throw new Error('No server secret to seal secret links with');
    this.key = Buffer.from(hkdfSync('sha256', config.sessionSecret, '', KEY_PURPOSE, 32));
  }

  /** The payload to store: each of the kind's secret links sealed. */
  seal(kind: NotificationKind, payload: Record<string, unknown>): Record<string, unknown> {
    const stored = { ...payload };
    for (const field of kind.secretLinks) {
      const link = payload[field];
      if (link === undefined || link === null) continue;
      if (typeof link !== 'string') throw new Error(`The secret link "${field}" of a ${kind.name} notification must be a string`);
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', this.key, iv);
      cipher.setAAD(associatedData(kind.name, field));
      const body = Buffer.concat([iv, cipher.update(link, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      stored[field] = { sealed: `${VERSION}.${body.toString('base64url')}` } satisfies Sealed;
    }
    return stored;
  }

  /**
   * The stored payload as notify() was given it, its secret links opened. A link stored as plain
   * text (a row written before links were sealed) is taken as it is. Throws UnreadableSecretLink.
   */
  open(kind: NotificationKind, stored: Record<string, unknown>): Record<string, unknown> {
    const payload = { ...stored };
    for (const field of kind.secretLinks) {
      const value = stored[field];
      if (!isSealed(value)) continue;
      const [version, encoded] = value.sealed.split('.');
      const body = Buffer.from(encoded ?? '', 'base64url');
      if (version !== VERSION || body.length < IV_BYTES + TAG_BYTES) throw new UnreadableSecretLink(`The secret link "${field}" is not sealed in a known way`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', this.key, body.subarray(0, IV_BYTES));
        decipher.setAAD(associatedData(kind.name, field));
        decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
        payload[field] = Buffer.concat([decipher.update(body.subarray(IV_BYTES, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        throw new UnreadableSecretLink(`The secret link "${field}" cannot be opened: the server secret (SESSION_SECRET) has changed since the message was written`);
      }
    }
    return payload;
  }

  /** What the copy kept for the outbox page shows in place of a secret link. */
  placeholder(lang: Language): string {
    return translate(lang, 'mail.linkHidden');
  }

  /** The payload to render the kept copy from: each secret link replaced by the placeholder. */
  hidden(kind: NotificationKind, payload: Record<string, unknown>, lang: Language): Record<string, unknown> {
    const present = kind.secretLinks.filter((field) => payload[field] !== undefined && payload[field] !== null);
    return { ...payload, ...Object.fromEntries(present.map((field) => [field, this.placeholder(lang)])) };
  }

  /**
   * Hides the secret links of these payloads (as given, or as refreshed) wherever they turn up in a
   * text kept of the sending: the server's answer, an error that quotes a header; also as the HTML
   * part escapes them (a reset link's `=` becomes `&#x3D;`).
   */
  hider(kind: NotificationKind, lang: Language, ...payloads: Record<string, unknown>[]): (text: string) => string {
    const links = [...new Set(linksIn(kind, payloads).flatMap((link) => [link, Handlebars.Utils.escapeExpression(link)]))].sort((a, b) => b.length - a.length);
    if (links.length === 0) return (text) => text;
    const placeholder = this.placeholder(lang);
    return (text) => links.reduce((hidden, link) => hidden.split(link).join(placeholder), text);
  }
}

/**
 * The error to record, log and rethrow (BullMQ keeps its message and stack in Redis): the error
 * itself, or when it quotes a secret link, a copy that does not.
 */
export function withoutSecretLinks(error: unknown, hide: (text: string) => string): unknown {
  if (!(error instanceof Error)) return typeof error === 'string' ? hide(error) : error;
  // Logs show an error's own fields too (nodemailer's `response`, `command`).
  const texts = [error.message, error.stack ?? '', ...Object.values(error).filter((value): value is string => typeof value === 'string')];
  if (texts.every((text) => hide(text) === text)) return error;
  const copy = new Error(hide(error.message));
  copy.name = error.name;
  copy.stack = error.stack === undefined ? undefined : hide(error.stack);
  return copy;
}
