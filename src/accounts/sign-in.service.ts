// The one sign-in rule, for the web form and for API tokens alike: refuse while the account or the
// address has used up its attempts, count a failure against both, and forget the account's
// failures once the right password is given.
import { Injectable } from '@nestjs/common';
import { LimitKind, RateLimits, TooManyAttempts } from '../access/rate-limits';
import { User } from '../identity/user.entity';
import { UserService } from '../identity/user.service';

@Injectable()
export class SignInService {
  constructor(
    private readonly users: UserService,
    private readonly limits: RateLimits,
  ) {}

  /** The person, or null for a wrong email or password; throws TooManyAttempts while blocked. */
  async attempt(email: string, password: string, ip: string): Promise<User | null> {
    const account = UserService.normaliseEmail(email);
    const checks: [LimitKind, string][] = [
      ['sign-in-account', account],
      ['sign-in-ip', ip],
    ];
    const wait = await this.limits.secondsToWait(checks);
    if (wait > 0) throw new TooManyAttempts(wait);
    const user = await this.users.verifyCredentials(account, password);
    if (!user) {
      await this.limits.count(checks);
      return null;
    }
    await this.limits.clear('sign-in-account', account);
    await this.users.recordSignIn(user.id);
    return user;
  }
}
