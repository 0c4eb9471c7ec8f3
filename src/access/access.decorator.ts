// Every route declares who may use it; a route without a declaration stops the app at boot
// (AccessGuard.checkEveryRouteDeclares). `@Public()`, `@SignedIn()` or `@Requires(capability)`.
import { SetMetadata } from '@nestjs/common';
import { Capability } from './capabilities';

export const ACCESS = 'verso:access';

export type AccessRule = { kind: 'public'; file?: true; token?: true } | { kind: 'signed-in' } | { kind: 'capability'; capability: Capability };

/** Anyone, signed in or not. */
export const Public = () => SetMetadata(ACCESS, { kind: 'public' } satisfies AccessRule);
/**
 * Anyone, for a file that is the same whoever asks (a calendar feed opened by its token): no
 * session is read and no form token made, as a calendar program polling it has neither.
 */
export const PublicFile = () => SetMetadata(ACCESS, { kind: 'public', file: true } satisfies AccessRule);
/**
 * Anyone holding the secret token in the address, for any method (a one-click unsubscribe, RFC
 * 8058): the mail program that POSTs it has no session and no form token, and the token itself
 * is the proof a form token would give. The handler must check the token and change nothing without it.
 */
export const PublicByToken = () => SetMetadata(ACCESS, { kind: 'public', token: true } satisfies AccessRule);
/** Any signed-in, active person. */
export const SignedIn = () => SetMetadata(ACCESS, { kind: 'signed-in' } satisfies AccessRule);
/** A signed-in person the policy grants this capability. */
export const Requires = (capability: Capability) => SetMetadata(ACCESS, { kind: 'capability', capability } satisfies AccessRule);
