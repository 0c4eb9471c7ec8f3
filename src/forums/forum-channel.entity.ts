import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation, UpdateDateColumn } from 'typeorm';
import { LocalizedText } from '../i18n/i18n';
import { Cohort } from '../catalogue/cohort.entity';

export const CHANNEL_KINDS = ['network', 'announcements', 'cohort'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/**
 * A discussion channel (keskustelukanava). Network channels are open to every signed-in person;
 * in the announcements channel only admins and facilitators start threads, and everybody is
 * subscribed; a cohort channel is its round's private forum, readable by its confirmed
 * participants, its facilitators and admins. Every cohort has exactly one (made by a trigger when
 * the cohort is), named after its round. Archived channels can be read but not written in.
 */
@Entity('forum_channel')
@Index('forum_channel_cohort_unique', ['cohortId'], { unique: true, where: 'cohort_id IS NOT NULL' })
@Check('forum_channel_kind_known', `kind IN ('network', 'announcements', 'cohort')`)
@Check('forum_channel_cohort_iff_cohort_kind', `(kind = 'cohort') = (cohort_id IS NOT NULL)`)
@Check('forum_channel_named', `kind = 'cohort' OR length(btrim(name->>'fi')) BETWEEN 1 AND 100`)
export class ForumChannel {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  kind: ChannelKind;

  @Column({ type: 'uuid', nullable: true })
  cohortId: string | null;

  @ManyToOne(() => Cohort, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'cohort_id', foreignKeyConstraintName: 'forum_channel_cohort_fk' })
  cohort?: Relation<Cohort>;

  /** Texts per language, Finnish required; a cohort channel is named after its round instead. */
  @Column({ type: 'jsonb', default: () => `'{}'` })
  name: LocalizedText;

  @Column({ type: 'jsonb', default: () => `'{}'` })
  description: LocalizedText;

  /** Where admins put it in the list of channels. */
  @Column({ type: 'integer', default: 0 })
  position: number;

  @Column({ type: 'timestamptz', nullable: true })
  archivedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
