import { Check, Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** The server secret an installation without SESSION_SECRET made for itself (installation-secret.ts): one row at most. */
@Entity('installation_secret')
@Check('installation_secret_one_row', `id`)
export class InstallationSecret {
  /** Always true: a primary key with one possible value keeps the table to one row. */
  @PrimaryColumn({ type: 'boolean', default: true })
  id: boolean;

  /** 32 random bytes, base64url. */
  @Column({ type: 'text' })
  sessionSecret: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
