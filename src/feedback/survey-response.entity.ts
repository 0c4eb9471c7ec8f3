import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, OneToMany, PrimaryColumn, PrimaryGeneratedColumn, Relation, UpdateDateColumn } from 'typeorm';
import { Agency } from '../identity/agency.entity';
import { User } from '../identity/user.entity';
import { SurveyQuestion } from './survey-question.entity';
import { Survey } from './survey.entity';

/**
 * One person's answers to a survey. For an anonymous survey `userId` is null (the person is kept only
 * in survey_respondent, for the reminder and the one-answer rule); the agency is kept for the
 * per-agency breakdown, which hides groups under five. A named survey's answer is editable until it closes.
 */
@Entity('survey_response')
@Index('survey_response_one_per_person', ['surveyId', 'userId'], { unique: true, where: `user_id IS NOT NULL` })
// Anonymous answers have no person, so the partial index above does not find a survey's answers.
@Index('survey_response_survey', ['surveyId'])
@Check('survey_response_language_known', `language IN ('fi', 'sv', 'en')`)
export class SurveyResponse {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  surveyId: string;

  @ManyToOne(() => Survey, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'survey_id', foreignKeyConstraintName: 'survey_response_survey_fk' })
  survey?: Relation<Survey>;

  /** Null for an anonymous survey, and for the site form's answers from people without an account. */
  @Column({ type: 'uuid', nullable: true })
  userId: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'survey_response_user_fk' })
  user?: Relation<User> | null;

  @Column({ type: 'uuid', nullable: true })
  agencyId: string | null;

  @ManyToOne(() => Agency, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'survey_response_agency_fk' })
  agency?: Relation<Agency> | null;

  @Column({ type: 'text', default: 'fi' })
  language: string;

  @OneToMany(() => SurveyAnswer, (answer) => answer.response)
  answers?: Relation<SurveyAnswer>[];

  @CreateDateColumn({ type: 'timestamptz' })
  submittedAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

/** One question's answer: a scale point, the chosen options (indexes into the question's options), or text. */
@Entity('survey_answer')
@Index('survey_answer_question', ['questionId'])
@Check('survey_answer_scale_range', `scale_value IS NULL OR scale_value BETWEEN 1 AND 5`)
@Check('survey_answer_text_length', `text IS NULL OR length(text) <= 5000`)
@Check('survey_answer_one_kind', `num_nonnulls(scale_value, choices, text) = 1`)
export class SurveyAnswer {
  @PrimaryColumn({ type: 'uuid' })
  responseId: string;

  @ManyToOne(() => SurveyResponse, (response) => response.answers, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'response_id', foreignKeyConstraintName: 'survey_answer_response_fk' })
  response?: Relation<SurveyResponse>;

  @PrimaryColumn({ type: 'uuid' })
  questionId: string;

  @ManyToOne(() => SurveyQuestion, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'question_id', foreignKeyConstraintName: 'survey_answer_question_fk' })
  question?: Relation<SurveyQuestion>;

  @Column({ type: 'smallint', nullable: true })
  scaleValue: number | null;

  @Column({ type: 'smallint', array: true, nullable: true })
  choices: number[] | null;

  @Column({ type: 'text', nullable: true })
  text: string | null;
}

/**
 * That a person answered a survey, and nothing more: the reminder skips them and a second answer to an
 * anonymous survey is refused, without the answer itself naming anyone.
 */
@Entity('survey_respondent')
export class SurveyRespondent {
  @PrimaryColumn({ type: 'uuid' })
  surveyId: string;

  @ManyToOne(() => Survey, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'survey_id', foreignKeyConstraintName: 'survey_respondent_survey_fk' })
  survey?: Relation<Survey>;

  @PrimaryColumn({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'survey_respondent_user_fk' })
  user?: Relation<User>;

  @CreateDateColumn({ type: 'timestamptz' })
  answeredAt: Date;
}
