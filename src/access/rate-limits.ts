// Brute-force limits for sign-in and password reset, kept in Redis (rate-limiter-flexible) so every
// web process counts together. Redis down must not lock people out or hang a request: commands fail
// at once (no offline queue) and an in-memory limiter per process stands in until Redis is back.
//
// Sign-in failures are limited so that they cannot be turned against the person whose account is
// guessed at (anyone may type a known address, such as an admin's), so there is no hard lock-out:
// - Per account *and* address (the pair), a progressive delay as OWASP's authentication cheat sheet
//   recommends: a few failures are free, then the pair waits before its next try, twice as long
//   after each further failure (1 s, 2 s, 4 s … at most 15 minutes). A stranger's guesses slow only
//   the stranger; the owner signing in from another address is not held back. The right password
//   (or a password reset from that address) forgets the pair's failures.
// - Per address, across accounts: one address guessing at many accounts is stopped for a while
//   (50 failures in 15 minutes).
// A try is counted as a failure before its (slow) password check and given back when the password is
// right, so a burst of simultaneous tries gets no further than tries one after another. The address
// is the connection's unless TRUST_PROXY names the proxy that forwarded the request, so a client
// cannot spread its failures over addresses it makes up.
import { HttpException, HttpStatus, Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import IORedis from 'ioredis';
import { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { CONFIG, Config } from '../config/config';
import { connectRedis } from '../database/redis';
import { Language, translate } from '../i18n/i18n';
import { LOGGER } from '../logging/logger';

export type LimitKind = 'sign-in-ip' | 'reset-account' | 'reset-ip' | 'verify-account' | 'certificate-ip' | 'feedback-ip' | 'newsletter-address' | 'newsletter-ip';

/** Points (attempts) per window, and how long a key stays blocked once over. */
const LIMITS: Record<LimitKind, { points: number; duration: number; blockDuration: number }> = {
  // Failed sign-ins from one IP address, whatever the accounts: 50 in 15 minutes.
  'sign-in-ip': { points: 50, duration: 15 * 60, blockDuration: 15 * 60 },
  // Reset links asked for: 3 per account and 20 per IP address an hour.
  'reset-account': { points: 3, duration: 60 * 60, blockDuration: 60 * 60 },
  'reset-ip': { points: 20, duration: 60 * 60, blockDuration: 60 * 60 },
  // New address-verification links asked for: 3 per account an hour (the one sent at sign-up is free).
  'verify-account': { points: 3, duration: 60 * 60, blockDuration: 60 * 60 },
  // Certificate codes checked from one IP address: 60 in 15 minutes (an employer checks a few; guessing needs millions).
  'certificate-ip': { points: 60, duration: 15 * 60, blockDuration: 15 * 60 },
  // Answers to the site's open feedback form (anyone, also without an account): 10 per IP address an hour.
  'feedback-ip': { points: 10, duration: 60 * 60, blockDuration: 60 * 60 },
  // Newsletter subscriptions asked for by visitors, each mailing a confirmation link: 5 per address
  // an hour (nobody can make the site mail someone over and over) and 30 per IP address.
  'newsletter-address': { points: 5, duration: 60 * 60, blockDuration: 60 * 60 },
  'newsletter-ip': { points: 30, duration: 60 * 60, blockDuration: 60 * 60 },
};

/** Failures of one account from one address that cost no wait: typos and a forgotten Caps Lock. */
export const FREE_SIGN_IN_FAILURES = 5;
/** The longest wait between tries, however many failures. */
export const LONGEST_SIGN_IN_WAIT = 15 * 60;
/** How long a pair's failures are remembered, from its first one. */
const SIGN_IN_FAILURES_KEPT = 24 * 60 * 60;

/** Seconds a pair waits after its `failures`-th failure: 0 while free, then 1, 2, 4 … up to 15 minutes. */
export function signInWaitAfter(failures: number): number {
  if (failures <= FREE_SIGN_IN_FAILURES) return 0;
  return Math.min(LONGEST_SIGN_IN_WAIT, 2 ** (failures - FREE_SIGN_IN_FAILURES - 1));
}

/** The key of one account (a normalised email) tried from one address; an address has no "|". */
const pairKey = (account: string, ip: string) => `${ip}|${account}`;

const rejection = (result: unknown): RateLimiterRes => {
  // Over the limit is an answer; anything else (Redis and the in-memory stand-in both failing) is a real failure.
  if (result instanceof RateLimiterRes) return result;
  throw result;
};
const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** A sign-in try taken: say how its password check went. */
export interface SignInTry {
  /** Starts the pair's wait, if it has used up its free failures. */
  failed(): Promise<void>;
  /** The right password: the pair's failures and wait are forgotten, and the try was no failure of the address. */
  succeeded(): Promise<void>;
}

@Injectable()
export class RateLimits implements OnApplicationShutdown {
  private readonly redis: IORedis;
  private readonly limiters: Record<LimitKind, RateLimiterRedis>;
  /** Failed sign-ins per pair: only counted, never refusing by themselves. */
  private readonly pairFailures: RateLimiterRedis;
  /** Past its free failures, a pair's one try per wait: a window of signInWaitAfter(failures) seconds. */
  private readonly pairTries: RateLimiterRedis;

  constructor(@Inject(CONFIG) config: Config, @Inject(LOGGER) logger: Logger) {
    this.redis = connectRedis(config.redisUrl, logger, 'rate-limits', { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 1000 });
    const limiter = (kind: string, limit: { points: number; duration: number; blockDuration?: number }) =>
      new RateLimiterRedis({
        storeClient: this.redis,
        keyPrefix: `${config.redisPrefix}:limit:${kind}`,
        ...limit,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix: kind, ...limit }),
      });
    const entries = (Object.keys(LIMITS) as LimitKind[]).map((kind) => [kind, limiter(kind, LIMITS[kind])] as const);
    this.limiters = Object.fromEntries(entries) as Record<LimitKind, RateLimiterRedis>;
    this.pairFailures = limiter('sign-in-pair', { points: 1, duration: SIGN_IN_FAILURES_KEPT });
    this.pairTries = limiter('sign-in-pair-try', { points: 1, duration: LONGEST_SIGN_IN_WAIT });
  }

  /**
   * Takes one sign-in try of this account from this address, or throws TooManyAttempts while the
   * pair waits or the address is over its limit. The try counts as a failure until it is said to
   * have succeeded: counted before the (slow) password check, tries sent all at once cannot slip
   * through together before any of them has failed.
   */
  async takeSignInTry(account: string, ip: string): Promise<SignInTry> {
    const pair = pairKey(account, ip);
    // A pair that waits is refused without counting anything: waiting is not failing again.
    const waiting = await this.pairTries.get(pair);
    if (waiting && waiting.consumedPoints >= 1 && waiting.msBeforeNext > 0) throw new TooManyAttempts(seconds(waiting.msBeforeNext));

    const address = await this.limiters['sign-in-ip'].consume(ip).catch(rejection);
    if (address.consumedPoints > LIMITS['sign-in-ip'].points) throw new TooManyAttempts(seconds(address.msBeforeNext));

    const failures = (await this.pairFailures.penalty(pair)).consumedPoints;
    if (failures > FREE_SIGN_IN_FAILURES) {
      // Past the free failures only one try at a time: the others racing it are refused.
      const window = await this.pairTries.consume(pair, 1, { customDuration: signInWaitAfter(failures) }).catch(rejection);
      if (window.consumedPoints > 1) {
        await this.pairFailures.reward(pair);
        await this.limiters['sign-in-ip'].reward(ip);
        throw new TooManyAttempts(seconds(window.msBeforeNext));
      }
    }
    return {
      // The wait runs from the failure, however long the password check took.
      failed: async () => {
        const wait = signInWaitAfter(failures);
        if (wait > 0) await this.pairTries.block(pair, wait);
      },
      succeeded: async () => {
        await this.forgetSignInFailures(account, ip);
        await this.limiters['sign-in-ip'].reward(ip).catch(() => undefined);
      },
    };
  }

  /** Whoever proved the account theirs (a password reset) is no longer held back at this address. */
  async forgetSignInFailures(account: string, ip: string): Promise<void> {
    const pair = pairKey(account, ip);
    for (const limiter of [this.pairFailures, this.pairTries]) await limiter.delete(pair).catch(() => undefined);
  }

  /** Seconds until all of these keys may try again (their attempts are used up); 0 when none is blocked. */
  async secondsToWait(checks: [LimitKind, string][]): Promise<number> {
    let wait = 0;
    for (const [kind, key] of checks) {
      const state = await this.limiters[kind].get(key);
      if (state && state.consumedPoints >= LIMITS[kind].points) wait = Math.max(wait, Math.ceil(state.msBeforeNext / 1000));
    }
    return wait;
  }

  /** Counts one attempt against each key. */
  async count(checks: [LimitKind, string][]): Promise<void> {
    for (const [kind, key] of checks) await this.limiters[kind].consume(key).catch(rejection);
  }

  onApplicationShutdown() {
    this.redis.disconnect();
  }
}

/** Over a brute-force limit: the person may try again after `secondsToWait`. */
export class TooManyAttempts extends HttpException {
  constructor(readonly secondsToWait: number) {
    super('Too many attempts', HttpStatus.TOO_MANY_REQUESTS);
  }
}

/** "Try again in N minutes", rounded up. */
function minutesToWait(seconds: number): number {
  return Math.max(1, Math.ceil(seconds / 60));
}

/** What a person over a limit is told: the wait in seconds while under a minute, else in minutes. */
export function tooManyAttemptsMessage(lang: Language, secondsToWait: number): string {
  return secondsToWait <= 60
    ? translate(lang, 'accounts.tooManyAttempts.seconds', { seconds: Math.max(1, secondsToWait) })
    : translate(lang, 'accounts.tooManyAttempts', { minutes: minutesToWait(secondsToWait) });
}
