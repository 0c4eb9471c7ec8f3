// Owns the site-wide web plumbing that is not any one area's: language choice, error pages, and the
// registry of sections upper areas add to lower areas' pages (global, so any area's page may ask it).
import { Global, Module } from '@nestjs/common';
import { LanguageController } from './language.controller';
import { PageSections } from './page-sections';

@Global()
@Module({ controllers: [LanguageController], providers: [PageSections], exports: [PageSections] })
export class WebModule {}
