// Owns the site-wide web plumbing that is not any one area's: language choice and error pages.
import { Module } from '@nestjs/common';
import { LanguageController } from './language.controller';

@Module({ controllers: [LanguageController] })
export class WebModule {}
