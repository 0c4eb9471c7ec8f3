// The one rule for accounts whose address is not yet proven (issue 16): they may sign in and read,
// but whatever reaches other people or holds a seat (enrolling, posting, subscribing to mail) waits
// for the link mailed at sign-up. The services that do those things ask here, so a page and its API
// twin refuse alike: 403 with a message key, which the error filter turns into a page (whose layout
// offers the link again) or a JSON error.
import { NotAllowed } from '../errors/domain-errors';
import { Actor } from './capabilities';

export const EMAIL_NOT_VERIFIED = 'accounts.verify.required';

export class EmailNotVerified extends NotAllowed {
  constructor() {
    super(EMAIL_NOT_VERIFIED);
  }
}

export function mustHaveVerifiedEmail(actor: Actor): void {
  if (!actor.emailVerified) throw new EmailNotVerified();
}
