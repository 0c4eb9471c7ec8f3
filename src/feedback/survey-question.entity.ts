import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation } from 'typeorm';
import { LocalizedText } from '../i18n/i18n';
import { Survey } from './survey.entity';

export const QUESTION_KINDS = ['scale', 'single_choice', 'multiple_choice', 'short_text', 'long_text'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

/**
 * One question of a survey, in order. `options` are the choices of a choice question, or a scale's
 * five point labels (1–5, each optional); texts are per language with Finnish required.
 */
@Entity('survey_question')
@Index('survey_question_position', ['surveyId', 'position'], { unique: true })
@Check('survey_question_kind_known', `kind IN ('scale', 'single_choice', 'multiple_choice', 'short_text', 'long_text')`)
@Check('survey_question_prompt_has_finnish', `length(btrim(prompt->>'fi')) > 0`)
@Check('survey_question_options_array', `jsonb_typeof(options) = 'array' AND jsonb_array_length(options) <= 20`)
@Check('survey_question_choices_have_options', `kind NOT IN ('single_choice', 'multiple_choice') OR jsonb_array_length(options) >= 2`)
@Check('survey_question_position_positive', `position >= 1`)
export class SurveyQuestion {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  surveyId: string;

  @ManyToOne(() => Survey, (survey) => survey.questions, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'survey_id', foreignKeyConstraintName: 'survey_question_survey_fk' })
  survey?: Relation<Survey>;

  /** 1, 2, 3…: the order shown (moved by up/down buttons). */
  @Column({ type: 'integer' })
  position: number;

  @Column({ type: 'text' })
  kind: QuestionKind;

  @Column({ type: 'jsonb' })
  prompt: LocalizedText;

  @Column({ type: 'jsonb', default: () => `'[]'` })
  options: LocalizedText[];

  @Column({ type: 'boolean', default: false })
  required: boolean;
}
