import { Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { User } from '../identity/user.entity';
import { OneTimeLink } from './one-time-link';

/** A one-time link proving a new account's address (one-time-link.ts). */
@Entity('email_verification')
@Index('email_verification_user', ['userId'])
@Index('email_verification_hash_unique', ['tokenHash'], { unique: true })
export class EmailVerification extends OneTimeLink {
  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'email_verification_user_fk' })
  user?: User;
}
