import { Check, Column, CreateDateColumn, Entity, JoinTable, ManyToMany, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';
import { LocalizedText } from '../i18n/i18n';
import { User } from '../identity/user.entity';

export const PROGRAMME_STATUSES = ['draft', 'published', 'archived'] as const;
export type ProgrammeStatus = (typeof PROGRAMME_STATUSES)[number];

/** What a programme is about, for grouping and filtering the catalogue. */
export const PROGRAMME_THEMES = ['complexity', 'dialogue', 'foresight', 'leadership', 'other'] as const;
export type ProgrammeTheme = (typeof PROGRAMME_THEMES)[number];

/**
 * A coaching programme (ohjelma), like a Moodle course. Texts are kept per language: Finnish is
 * required, Swedish and English fall back to it. The description is Markdown, sanitised on render.
 * Only admins see a draft; an archived programme is no longer listed but its page stays reachable.
 */
@Entity('programme')
@Unique('programme_slug_unique', ['slug'])
@Check('programme_slug_format', `slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`)
@Check('programme_title_has_finnish', `length(btrim(title->>'fi')) > 0`)
@Check('programme_summary_has_finnish', `length(btrim(summary->>'fi')) > 0`)
@Check('programme_status_known', `status IN ('draft', 'published', 'archived')`)
@Check('programme_theme_known', `theme IN ('complexity', 'dialogue', 'foresight', 'leadership', 'other')`)
export class Programme {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  slug: string;

  @Column({ type: 'jsonb' })
  title: LocalizedText;

  @Column({ type: 'jsonb' })
  summary: LocalizedText;

  @Column({ type: 'jsonb' })
  description: LocalizedText;

  @Column({ type: 'text', default: 'other' })
  theme: ProgrammeTheme;

  @Column({ type: 'text', default: 'draft' })
  status: ProgrammeStatus;

  /** Where the programme stands in lists; lower first. */
  @Column({ type: 'integer', default: 0 })
  position: number;

  /** The facilitators who usually run it: a new cohort starts with them. */
  @ManyToMany(() => User)
  @JoinTable({
    name: 'programme_facilitator',
    joinColumn: { name: 'programme_id', foreignKeyConstraintName: 'programme_facilitator_programme_fk' },
    inverseJoinColumn: { name: 'user_id', foreignKeyConstraintName: 'programme_facilitator_user_fk' },
  })
  facilitators?: User[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  /** The search vector, kept by a trigger from the texts (search/sql/search-vector.sql); never written or read by TypeORM. */
  @Column({ type: 'tsvector', nullable: true, select: false, insert: false, update: false })
  search?: string | null;
}
