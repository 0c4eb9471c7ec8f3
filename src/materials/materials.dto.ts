// What the materials forms accept: the add and replace form (a title and note in three languages,
// a link or, after these fields, a file; the round's participants told or not) and the move form.
// Which of link and file, what counts as a web address and that the Finnish title is there are the
// service's rules (materials.service.ts materialInput), so the API could share them.
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

export const TITLE_MAX = 200;
export const NOTE_MAX = 2000;

export class MaterialFormDto {
  @IsOptional()
  @MaxLength(TITLE_MAX, { message: 'materials.title.tooLong' })
  @IsString({ message: 'materials.title.required' })
  titleFi?: string;

  @IsOptional()
  @MaxLength(TITLE_MAX, { message: 'materials.title.tooLong' })
  @IsString({ message: 'materials.title.tooLong' })
  titleSv?: string;

  @IsOptional()
  @MaxLength(TITLE_MAX, { message: 'materials.title.tooLong' })
  @IsString({ message: 'materials.title.tooLong' })
  titleEn?: string;

  @IsOptional()
  @MaxLength(NOTE_MAX, { message: 'materials.note.tooLong' })
  @IsString({ message: 'materials.note.tooLong' })
  noteFi?: string;

  @IsOptional()
  @MaxLength(NOTE_MAX, { message: 'materials.note.tooLong' })
  @IsString({ message: 'materials.note.tooLong' })
  noteSv?: string;

  @IsOptional()
  @MaxLength(NOTE_MAX, { message: 'materials.note.tooLong' })
  @IsString({ message: 'materials.note.tooLong' })
  noteEn?: string;

  /** Checked by the service (a web address of at most 2000 characters), so its message names the rule. */
  @IsOptional()
  @IsString({ message: 'materials.url.invalid' })
  url?: string;

  /** The checkbox "tell the round's participants" (sessions only). */
  @IsOptional()
  @IsIn(['yes'], { message: 'form.unknownField' })
  notify?: string;
}

export const MOVE_DIRECTIONS = ['up', 'down'] as const;
export type MoveDirection = (typeof MOVE_DIRECTIONS)[number];

export class MoveFormDto {
  @IsIn(MOVE_DIRECTIONS, { message: 'materials.move.direction' })
  direction: MoveDirection;
}
