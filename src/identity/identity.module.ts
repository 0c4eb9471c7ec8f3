// Owns who people are: agencies, users and their credentials (passwords, API tokens), and the
// audit log of what was done to accounts.
import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Agency } from './agency.entity';
import { FirstAdminService } from './first-admin.service';
import { AgencyService } from './agency.service';
import { ApiToken } from './api-token.entity';
import { ApiTokensService } from './api-tokens.service';
import { AuditLog } from './audit-log.entity';
import { DemoPeopleService } from './demo-people.service';
import { User } from './user.entity';
import { UserService } from './user.service';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Agency, User, ApiToken, AuditLog])],
  providers: [AgencyService, UserService, ApiTokensService, FirstAdminService, DemoPeopleService],
  exports: [AgencyService, UserService, ApiTokensService, DemoPeopleService],
})
export class IdentityModule {}
