// The one sign-in rule, for the web form, API tokens and the profile's current-password check alike:
// every password guess takes a try of the account from the caller's address (refused while that pair
// waits or the address is over its limit: access/rate-limits.ts), and the right password forgets the
// pair's failures.
import { Injectable } from '@nestjs/common';
import { RateLimits } from '../access/rate-limits';
import { User } from '../identity/user.entity';
import { UserService } from '../identity/user.service';

@Injectable()
export class SignInService {
  constructor(
    private readonly users: UserService,
    private readonly limits: RateLimits,
  ) {}

  /** The person, or null for a wrong email or password; throws TooManyAttempts while held back. */
  async attempt(email: string, password: string, ip: string): Promise<User | null> {
    const user = await this.checkPassword(email, password, ip);
    if (user) await this.users.recordSignIn(user.id);
    return user;
  }

  /** Like attempt, without recording a sign-in: for a signed-in person proving it is still them. */
  async checkPassword(email: string, password: string, ip: string): Promise<User | null> {
    const account = UserService.normaliseEmail(email);
    const signInTry = await this.limits.takeSignInTry(account, ip);
    const user = await this.users.verifyCredentials(account, password);
    await (user ? signInTry.succeeded() : signInTry.failed());
    return user;
  }
}
