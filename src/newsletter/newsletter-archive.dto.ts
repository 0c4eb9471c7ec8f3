// The archive of sent editions over the JSON API (GET /api/v1/newsletter): subjects in the
// asked-for language, Finnish where an edition has none, with where to read each one.
import { ApiProperty } from '@nestjs/swagger';
import { Language, LANGUAGES } from '../i18n/i18n';
import { SentEdition } from './newsletter-archive.service';

export class NewsletterEditionSummaryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Uutiskirje 1/2027' })
  subject: string;

  @ApiProperty({ enum: LANGUAGES, description: 'The language the subject is in: the one asked for, or Finnish for want of it.' })
  subjectLanguage: Language;

  @ApiProperty({ format: 'date-time' })
  sentAt: string;

  @ApiProperty({ example: '/newsletter/5b0e…', description: 'The edition as a web page, relative to the site.' })
  path: string;
}

export class NewsletterArchiveDto {
  @ApiProperty({ type: NewsletterEditionSummaryDto, isArray: true, description: 'Every sent edition, newest first.' })
  items: NewsletterEditionSummaryDto[];
}

export function editionSummaryDto(edition: Omit<SentEdition, 'body'>): NewsletterEditionSummaryDto {
  return { id: edition.id, subject: edition.subject, subjectLanguage: edition.textLang, sentAt: edition.sentAt.toISOString(), path: `/newsletter/${edition.id}` };
}
