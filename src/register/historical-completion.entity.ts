import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation } from 'typeorm';
import { Programme } from '../catalogue/programme.entity';
import { Agency } from '../identity/agency.entity';
import { User } from '../identity/user.entity';

/**
 * A completion from before Verso, imported from the network's old list (Kaiku 2002–2018): a name and
 * an email, the agency, the programme and the year. When someone registers (or verifies) with that
 * email the row is matched to their account. Anonymised by the retention job like a completion.
 */
@Entity('historical_completion')
@Index('historical_completion_one_per_programme', ['programmeId', 'email'], { unique: true, where: `email IS NOT NULL` })
@Index('historical_completion_agency', ['agencyId', 'programmeId'])
@Index('historical_completion_email', ['email'], { where: `user_id IS NULL AND email IS NOT NULL` })
@Check('historical_completion_year_range', `year BETWEEN 1990 AND 2100`)
@Check('historical_completion_person_or_anonymised', `(person_name IS NULL) = (anonymised_at IS NOT NULL)`)
@Check('historical_completion_email_lower', `email IS NULL OR email = lower(email)`)
export class HistoricalCompletion {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text', nullable: true })
  personName: string | null;

  /** Lowercased; null once anonymised. */
  @Column({ type: 'text', nullable: true })
  email: string | null;

  @Column({ type: 'uuid', nullable: true })
  agencyId: string | null;

  @ManyToOne(() => Agency, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'historical_completion_agency_fk' })
  agency?: Relation<Agency> | null;

  @Column({ type: 'uuid' })
  programmeId: string;

  @ManyToOne(() => Programme, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'programme_id', foreignKeyConstraintName: 'historical_completion_programme_fk' })
  programme?: Relation<Programme>;

  @Column({ type: 'integer' })
  year: number;

  /** The account with this email, once someone has one. */
  @Column({ type: 'uuid', nullable: true })
  userId: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'historical_completion_user_fk' })
  user?: Relation<User> | null;

  /** Who imported it, and in which import (one id per confirmed file). */
  @Column({ type: 'uuid', nullable: true })
  importedById: string | null;

  @Column({ type: 'uuid' })
  importId: string;

  @Column({ type: 'timestamptz', nullable: true })
  anonymisedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  importedAt: Date;
}
