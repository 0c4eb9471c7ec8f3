import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, OneToMany, PrimaryGeneratedColumn, Relation, UpdateDateColumn } from 'typeorm';
import { LocalizedText } from '../i18n/i18n';
import { User } from '../identity/user.entity';
import { ToolkitLink } from './toolkit-link.entity';

/** What a tool is; a case example is also what people submit from the field. */
export const TOOLKIT_KINDS = ['workbook', 'assessment_tool', 'facilitation_method', 'co_development_model', 'case_example'] as const;
export type ToolkitKind = (typeof TOOLKIT_KINDS)[number];

/** The four programmes' themes and the network's principles (DOMAIN.md). */
export const TOOLKIT_THEMES = [
  'complexity',
  'dialogue',
  'foresight',
  'leadership',
  'human_centred',
  'multidisciplinary',
  'systemic',
  'collaborative',
  'interaction_quality',
] as const;
export type ToolkitTheme = (typeof TOOLKIT_THEMES)[number];

/** published: in the library; pending: a case waiting for an admin; rejected: kept for its submitter with the reason. */
export const TOOLKIT_STATUSES = ['published', 'pending', 'rejected'] as const;
export type ToolkitStatus = (typeof TOOLKIT_STATUSES)[number];

/**
 * An entry of the toolkit library (työkalupakki): a workbook, an assessment tool, a facilitation
 * method, a co-development model or a case example, with themes, a description, links
 * (toolkit_link) and files (stored_file owned by 'toolkit'). Admins add entries as published; a case
 * submitted from the field starts pending with its submitter and waits for an admin's decision.
 * A submitted case may be written in the submitter's own language only, so any one language's
 * title is enough.
 */
@Entity('toolkit_entry')
@Index('toolkit_entry_status_kind', ['status', 'kind'])
@Index('toolkit_entry_submitter', ['submittedBy'], { where: `submitted_by IS NOT NULL` })
@Check('toolkit_entry_kind_known', `kind IN ('workbook', 'assessment_tool', 'facilitation_method', 'co_development_model', 'case_example')`)
@Check(
  'toolkit_entry_themes_known',
  `themes <@ ARRAY['complexity', 'dialogue', 'foresight', 'leadership', 'human_centred', 'multidisciplinary', 'systemic', 'collaborative', 'interaction_quality']::text[]`,
)
@Check('toolkit_entry_status_known', `status IN ('published', 'pending', 'rejected')`)
@Check(
  'toolkit_entry_titled',
  `length(btrim(coalesce(title->>'fi', '') || coalesce(title->>'sv', '') || coalesce(title->>'en', ''))) > 0`,
)
@Check('toolkit_entry_only_cases_submitted', `status = 'published' OR kind = 'case_example'`)
@Check('toolkit_entry_reviewed_when_decided', `status = 'pending' OR submitted_by IS NULL OR reviewed_at IS NOT NULL`)
export class ToolkitEntry {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  kind: ToolkitKind;

  @Column({ type: 'text', array: true, default: () => `'{}'` })
  themes: ToolkitTheme[];

  @Column({ type: 'jsonb' })
  title: LocalizedText;

  @Column({ type: 'jsonb', default: () => `'{}'` })
  description: LocalizedText;

  @Column({ type: 'text', default: 'published' })
  status: ToolkitStatus;

  /** Who told the case (null for an admin's own entry, or once the account is erased). */
  @Column({ type: 'uuid', nullable: true })
  submittedBy: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'submitted_by', foreignKeyConstraintName: 'toolkit_entry_submitter_fk' })
  submitter?: Relation<User> | null;

  @Column({ type: 'uuid', nullable: true })
  reviewedBy: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'reviewed_by', foreignKeyConstraintName: 'toolkit_entry_reviewer_fk' })
  reviewer?: Relation<User> | null;

  @Column({ type: 'timestamptz', nullable: true })
  reviewedAt: Date | null;

  /** Why a case was not taken in, as told to its submitter. */
  @Column({ type: 'text', nullable: true })
  reviewNote: string | null;

  /** The order of the library's list within a kind (admins curate). */
  @Column({ type: 'integer', default: 0 })
  position: number;

  @OneToMany(() => ToolkitLink, (link) => link.entry)
  links?: Relation<ToolkitLink>[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  /** The search vector, kept by a trigger from the texts (search/sql/search-vector.sql); never written or read by TypeORM. */
  @Column({ type: 'tsvector', nullable: true, select: false, insert: false, update: false })
  search?: string | null;
}
