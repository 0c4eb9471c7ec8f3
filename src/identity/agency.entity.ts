import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A state agency (virasto) that participants come from. */
@Entity('agency')
@Index('agency_name_unique', { synchronize: false })
@Check('agency_name_not_blank', `length(btrim(name)) > 0`)
export class Agency {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
