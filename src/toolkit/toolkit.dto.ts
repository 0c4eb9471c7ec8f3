// The toolkit's JSON API shapes: the library's filter as a query, and a published entry with its
// links and files (their addresses are the site's /files/:id, served by the files area).
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { withValues } from '../errors/domain-errors';
import { Language } from '../i18n/i18n';
import { LanguageQuery } from '../web/api/request.dto';
import { TOOLKIT_KINDS, TOOLKIT_THEMES, ToolkitKind, ToolkitTheme } from './toolkit-entry.entity';
import { textIn, ToolkitEntryDetail } from './toolkit.service';

export const SEARCH_MAX = 200;

export class ToolkitListQuery extends LanguageQuery {
  @ApiPropertyOptional({ enum: TOOLKIT_KINDS })
  @IsOptional()
  @IsIn(TOOLKIT_KINDS, { message: withValues('toolkit.api.kind.unknown', { kinds: TOOLKIT_KINDS.join(', ') }) })
  kind?: ToolkitKind;

  @ApiPropertyOptional({ enum: TOOLKIT_THEMES })
  @IsOptional()
  @IsIn(TOOLKIT_THEMES, { message: withValues('toolkit.api.theme.unknown', { themes: TOOLKIT_THEMES.join(', ') }) })
  theme?: ToolkitTheme;

  @ApiPropertyOptional({ description: 'Words to find in the titles and descriptions, in any language (as written: % and _ are plain characters).', maxLength: SEARCH_MAX })
  @IsOptional()
  @IsString({ message: 'toolkit.api.q.text' })
  @MaxLength(SEARCH_MAX, { message: withValues('toolkit.api.q.tooLong', { max: SEARCH_MAX }) })
  q?: string;
}

export class ToolkitLinkDto {
  @ApiProperty({ example: 'https://valoa.example.fi/tyokirja' })
  url: string;

  @ApiProperty({ example: 'VALOA verkossa', description: 'What the link says; the address when it has no text of its own.' })
  label: string;
}

export class ToolkitFileDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'valoa-tyokirja.pdf' })
  name: string;

  @ApiProperty({ example: 'application/pdf', description: 'As read from the content at upload.' })
  mimeType: string;

  @ApiProperty({ type: 'integer', description: 'Bytes.' })
  size: number;

  @ApiProperty({ example: '/files/5b0e…', description: 'Where the file is downloaded, relative to the site.' })
  url: string;
}

export class ToolkitEntryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: TOOLKIT_KINDS })
  kind: ToolkitKind;

  @ApiProperty({ enum: TOOLKIT_THEMES, isArray: true })
  themes: ToolkitTheme[];

  @ApiProperty({ example: 'VALOA-työkirja', description: 'In the language asked for; else Finnish; else the language it is written in.' })
  title: string;

  @ApiProperty({ description: 'Markdown, in the same language as the title where there is one.' })
  description: string;

  @ApiProperty({ type: ToolkitLinkDto, isArray: true })
  links: ToolkitLinkDto[];

  @ApiProperty({ type: ToolkitFileDto, isArray: true })
  files: ToolkitFileDto[];
}

export class ToolkitListDto {
  @ApiProperty({ type: ToolkitEntryDto, isArray: true, description: 'The published entries, by kind, then as admins ordered them.' })
  items: ToolkitEntryDto[];
}

export function toolkitEntryDto(entry: ToolkitEntryDetail, lang: Language): ToolkitEntryDto {
  return {
    id: entry.id,
    kind: entry.kind,
    themes: entry.themes,
    title: textIn(entry.title, lang),
    description: textIn(entry.description, lang),
    links: entry.links.map((link) => ({ url: link.url, label: link.label || link.url })),
    files: entry.files.map((file) => ({ id: file.id, name: file.originalName, mimeType: file.mimeType, size: file.size, url: `/files/${file.id}` })),
  };
}
