// Owns who people are: agencies, users and their credentials (passwords, API tokens, reset links),
// and the audit log of what was done to accounts.
import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Agency } from './agency.entity';
import { FirstAdminService } from './first-admin.service';
import { AgencyService } from './agency.service';
import { ApiToken } from './api-token.entity';
import { AuditLog } from './audit-log.entity';
import { PasswordReset } from './password-reset.entity';
import { User } from './user.entity';
import { UserService } from './user.service';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Agency, User, ApiToken, PasswordReset, AuditLog])],
  providers: [AgencyService, UserService, FirstAdminService],
  exports: [AgencyService, UserService],
})
export class IdentityModule {}
