// Owns the account pages and API: sign-up (with the link that confirms the address), sign-in,
// password reset, the profile (with its data export and erasure request), admin user and agency
// management, and API tokens.
import { Module } from '@nestjs/common';
import { ErasureService } from '../identity/erasure.service';
import { RegisterModule } from '../register/register.module';
import { AdminAgenciesController } from './admin-agencies.controller';
import { AdminUsersService } from './admin-users.service';
import { AdminUsersController } from './admin-users.controller';
import { AuthApiController } from './auth.api.controller';
import { AuthController } from './auth.controller';
import { EmailVerificationController } from './email-verification.controller';
import { EmailVerificationService } from './email-verification.service';
import { PasswordResetController } from './password-reset.controller';
import { PasswordResetService } from './password-reset.service';
import { PersonalDataService } from './personal-data.service';
import { ProfileController } from './profile.controller';
import { ProfileService } from './profile.service';
import { SignInService } from './sign-in.service';

@Module({
  // The register's agency contacts are granted on a person's admin page.
  imports: [RegisterModule],
  controllers: [AuthController, EmailVerificationController, PasswordResetController, ProfileController, AdminUsersController, AdminAgenciesController, AuthApiController],
  providers: [SignInService, PasswordResetService, EmailVerificationService, ProfileService, PersonalDataService, AdminUsersService, ErasureService],
})
export class AccountsModule {}
