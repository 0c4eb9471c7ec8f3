import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A state agency (virasto) that participants come from. */
@Entity('agency')
@Index('agency_name_unique', { synchronize: false })
@Check('agency_name_not_blank', `length(btrim(name)) > 0`)
@Check('agency_email_domains_few', `cardinality(email_domains) <= 20`)
export class Agency {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  /** The email domains its people register with (lower case, `vero.fi`); none listed: any address. */
  @Column({ type: 'text', array: true, default: () => `'{}'` })
  emailDomains: string[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
