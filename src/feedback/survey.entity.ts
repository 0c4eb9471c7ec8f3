import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, OneToMany, PrimaryGeneratedColumn, Relation, UpdateDateColumn } from 'typeorm';
import { Cohort } from '../catalogue/cohort.entity';
import { Programme } from '../catalogue/programme.entity';
import { LocalizedText } from '../i18n/i18n';
import { SurveyQuestion } from './survey-question.entity';

/**
 * What a survey is for: a programme's template (copied onto each new round), one round's feedback
 * (opens when its last session ends), or the site's open feedback form (anyone, also without an account).
 */
export const SURVEY_PURPOSES = ['programme_template', 'cohort', 'site'] as const;
export type SurveyPurpose = (typeof SURVEY_PURPOSES)[number];

/**
 * A feedback survey (palautekysely). One engine for the three purposes; the purpose decides which of
 * programme and cohort is set. A round's survey opens at `opensAt` (its last session's end) and closes
 * `openDays` later; whether it is anonymous is fixed once it opens (the service refuses a change after).
 */
@Entity('survey')
@Index('survey_one_per_cohort', ['cohortId'], { unique: true, where: `cohort_id IS NOT NULL` })
@Index('survey_one_template_per_programme', ['programmeId'], { unique: true, where: `purpose = 'programme_template'` })
@Index('survey_one_site_form', ['purpose'], { unique: true, where: `purpose = 'site'` })
@Check('survey_purpose_known', `purpose IN ('programme_template', 'cohort', 'site')`)
@Check(
  'survey_purpose_owner',
  `(purpose = 'programme_template' AND programme_id IS NOT NULL AND cohort_id IS NULL)
   OR (purpose = 'cohort' AND programme_id IS NOT NULL AND cohort_id IS NOT NULL)
   OR (purpose = 'site' AND programme_id IS NULL AND cohort_id IS NULL)`,
)
@Check('survey_title_has_finnish', `length(btrim(title->>'fi')) > 0`)
@Check('survey_open_days_range', `open_days BETWEEN 1 AND 90`)
@Check('survey_closes_after_opening', `closes_at IS NULL OR opens_at IS NULL OR closes_at > opens_at`)
export class Survey {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  purpose: SurveyPurpose;

  @Column({ type: 'uuid', nullable: true })
  programmeId: string | null;

  @ManyToOne(() => Programme, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'programme_id', foreignKeyConstraintName: 'survey_programme_fk' })
  programme?: Relation<Programme> | null;

  @Column({ type: 'uuid', nullable: true })
  cohortId: string | null;

  @ManyToOne(() => Cohort, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'cohort_id', foreignKeyConstraintName: 'survey_cohort_fk' })
  cohort?: Relation<Cohort> | null;

  @Column({ type: 'jsonb' })
  title: LocalizedText;

  /** Shown above the questions. */
  @Column({ type: 'jsonb', default: () => `'{}'` })
  intro: LocalizedText;

  /** Answers are stored without the person (survey_respondent keeps only that they answered). */
  @Column({ type: 'boolean', default: true })
  anonymous: boolean;

  /** How many days a round's survey stays open after its last session ends. */
  @Column({ type: 'integer', default: 14 })
  openDays: number;

  /** A round's survey: when it opened (the last session's end), set by the lifecycle job; null until then. The site form: always open. */
  @Column({ type: 'timestamptz', nullable: true })
  opensAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  closesAt: Date | null;

  /** When the invitations were queued (once). */
  @Column({ type: 'timestamptz', nullable: true })
  invitedAt: Date | null;

  /** When the one reminder was queued to those who had not answered. */
  @Column({ type: 'timestamptz', nullable: true })
  remindedAt: Date | null;

  /** The survey this one was copied from (a template onto a round, a round onto the next). */
  @Column({ type: 'uuid', nullable: true })
  copiedFromId: string | null;

  @ManyToOne(() => Survey, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'copied_from_id', foreignKeyConstraintName: 'survey_copied_from_fk' })
  copiedFrom?: Relation<Survey> | null;

  @OneToMany(() => SurveyQuestion, (question) => question.survey)
  questions?: Relation<SurveyQuestion>[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
