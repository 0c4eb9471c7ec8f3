import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, OneToMany, PrimaryGeneratedColumn, Relation, UpdateDateColumn } from 'typeorm';
import { CohortSession } from '../catalogue/cohort-session.entity';
import { Cohort } from '../catalogue/cohort.entity';
import { Programme } from '../catalogue/programme.entity';
import { LocalizedText } from '../i18n/i18n';
import { User } from '../identity/user.entity';
import { MaterialVersion } from './material-version.entity';

export const MATERIAL_KINDS = ['file', 'link'] as const;
export type MaterialKind = (typeof MATERIAL_KINDS)[number];

/**
 * A material (materiaali) of a programme, a round or one session of a round: a file or a link with a
 * title and a note in fi/sv/en, in the order its list shows. Exactly one of programme, cohort and
 * session is set; the place decides who sees it (programme: whoever may see the programme; round and
 * session: the round's participants and facilitators). What it points at is its latest version;
 * replacing adds a version and keeps the old ones listed.
 */
@Entity('material')
@Index('material_programme_order', ['programmeId', 'position'], { where: `programme_id IS NOT NULL` })
@Index('material_cohort_order', ['cohortId', 'position'], { where: `cohort_id IS NOT NULL` })
@Index('material_session_order', ['sessionId', 'position'], { where: `session_id IS NOT NULL` })
@Check('material_one_place', `num_nonnulls(programme_id, cohort_id, session_id) = 1`)
@Check('material_kind_known', `kind IN ('file', 'link')`)
@Check('material_title_has_finnish', `length(btrim(title->>'fi')) BETWEEN 1 AND 200`)
export class Material {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', nullable: true })
  programmeId: string | null;

  @ManyToOne(() => Programme, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'programme_id', foreignKeyConstraintName: 'material_programme_fk' })
  programme?: Relation<Programme> | null;

  @Column({ type: 'uuid', nullable: true })
  cohortId: string | null;

  @ManyToOne(() => Cohort, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'cohort_id', foreignKeyConstraintName: 'material_cohort_fk' })
  cohort?: Relation<Cohort> | null;

  @Column({ type: 'uuid', nullable: true })
  sessionId: string | null;

  @ManyToOne(() => CohortSession, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'material_session_fk' })
  session?: Relation<CohortSession> | null;

  @Column({ type: 'text' })
  kind: MaterialKind;

  @Column({ type: 'jsonb' })
  title: LocalizedText;

  @Column({ type: 'jsonb', default: () => `'{}'` })
  note: LocalizedText;

  @Column({ type: 'integer', default: 0 })
  position: number;

  /** Null once the adder's account is erased; the material stays with its round. */
  @Column({ type: 'uuid', nullable: true })
  createdBy: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'material_creator_fk' })
  creator?: Relation<User> | null;

  @OneToMany(() => MaterialVersion, (version) => version.material)
  versions?: Relation<MaterialVersion>[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  /** The search vector, kept by a trigger from the texts (search/sql/search-vector.sql); never written or read by TypeORM. */
  @Column({ type: 'tsvector', nullable: true, select: false, insert: false, update: false })
  search?: string | null;
}
