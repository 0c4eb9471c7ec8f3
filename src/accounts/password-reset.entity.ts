import { Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { User } from '../identity/user.entity';
import { OneTimeLink } from './one-time-link';

/** A one-time password reset link (one-time-link.ts). */
@Entity('password_reset')
@Index('password_reset_user', ['userId'])
@Index('password_reset_hash_unique', ['tokenHash'], { unique: true })
export class PasswordReset extends OneTimeLink {
  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'password_reset_user_fk' })
  user?: User;
}
