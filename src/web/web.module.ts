// Owns the site-wide web plumbing that is not any one area's: language choice, error pages and,
// until accounts exist, the admin sign-in.
import { Module } from '@nestjs/common';
import { AdminController } from './admin.controller';
import { LanguageController } from './language.controller';

@Module({ controllers: [LanguageController, AdminController] })
export class WebModule {}
