import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn, Relation } from 'typeorm';
import { Agency } from '../identity/agency.entity';
import { User } from '../identity/user.entity';

/**
 * An agency's contact person for the register (granted by an admin): sees every one of the agency's
 * trained developers, listed or not, and exports them as CSV.
 */
@Entity('agency_contact')
export class AgencyContact {
  @PrimaryColumn({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'agency_contact_user_fk' })
  user?: Relation<User>;

  @PrimaryColumn({ type: 'uuid' })
  agencyId: string;

  @ManyToOne(() => Agency, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'agency_contact_agency_fk' })
  agency?: Relation<Agency>;

  @Column({ type: 'uuid', nullable: true })
  grantedById: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  grantedAt: Date;
}
