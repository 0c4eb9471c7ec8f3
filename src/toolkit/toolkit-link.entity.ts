import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation } from 'typeorm';
import { ToolkitEntry } from './toolkit-entry.entity';

/** A web link of a toolkit entry (the tool's own site, a video, an article), in its entry's order. */
@Entity('toolkit_link')
@Index('toolkit_link_entry', ['entryId', 'position'])
@Check('toolkit_link_url_web', `url ~ '^https?://' AND length(url) <= 2000`)
@Check('toolkit_link_label_length', `label IS NULL OR length(label) <= 200`)
export class ToolkitLink {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  entryId: string;

  @ManyToOne(() => ToolkitEntry, (entry) => entry.links, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'entry_id', foreignKeyConstraintName: 'toolkit_link_entry_fk' })
  entry?: Relation<ToolkitEntry>;

  @Column({ type: 'text' })
  url: string;

  /** What the link says; the address itself when empty. */
  @Column({ type: 'text', nullable: true })
  label: string | null;

  @Column({ type: 'integer', default: 0 })
  position: number;
}
