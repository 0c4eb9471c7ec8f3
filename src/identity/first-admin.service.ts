// Production gets its first admin from ADMIN_EMAIL and ADMIN_PASSWORD: created at start-up when no
// user has that email, and never touching an existing account (so changing the settings later does
// not reset anybody's password or role). Whoever set ADMIN_EMAIL vouches for the address: it is verified.
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Logger } from 'pino';
import { CONFIG, Config } from '../config/config';
import { LOGGER } from '../logging/logger';
import { UserService } from './user.service';
import { FieldErrors } from '../errors/domain-errors';

@Injectable()
export class FirstAdminService implements OnApplicationBootstrap {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly users: UserService,
  ) {}

  async onApplicationBootstrap() {
    const admin = this.config.firstAdmin;
    if (!admin || (await this.users.findByEmail(admin.email))) return;
    try {
      const user = await this.users.register({ email: admin.email, displayName: admin.email.split('@')[0], password: admin.password, language: 'fi', siteRole: 'admin', emailVerified: true });
      this.logger.info({ userId: user.id }, 'first admin created from ADMIN_EMAIL');
    } catch (error) {
      if (error instanceof FieldErrors && error.fields.email) return; // another process created it just now
      if (error instanceof FieldErrors) throw new Error(`ADMIN_PASSWORD will not do: ${Object.values(error.fields).join(', ')}`);
      throw error;
    }
  }
}
