import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';
import { LocalizedText } from '../i18n/i18n';

/**
 * A coaching programme (ohjelma), like a Moodle course. Texts are kept per language: Finnish is
 * required, Swedish and English fall back to it.
 */
@Entity('programme')
@Unique('programme_slug_unique', ['slug'])
@Check('programme_slug_format', `slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`)
@Check('programme_title_has_finnish', `length(btrim(title->>'fi')) > 0`)
@Check('programme_summary_has_finnish', `length(btrim(summary->>'fi')) > 0`)
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

  /** Where the programme stands in lists; lower first. */
  @Column({ type: 'integer', default: 0 })
  position: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
