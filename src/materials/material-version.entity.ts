import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation, Unique } from 'typeorm';
import { StoredFile } from '../files/stored-file.entity';
import { User } from '../identity/user.entity';
import { Material } from './material.entity';

/**
 * One version of a material: a stored file (its owner is the material) or a link. Version 1 is what
 * was added; each replacement adds the next number. The highest number is what the material shows;
 * the others are listed as earlier versions.
 */
@Entity('material_version')
@Unique('material_version_number', ['materialId', 'version'])
@Index('material_version_file', ['fileId'], { where: `file_id IS NOT NULL` })
@Check('material_version_file_or_link', `(file_id IS NULL) <> (url IS NULL)`)
@Check('material_version_positive', `version >= 1`)
@Check('material_version_url_web', `url IS NULL OR (url ~ '^https?://' AND length(url) <= 2000)`)
export class MaterialVersion {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  materialId: string;

  @ManyToOne(() => Material, (material) => material.versions, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'material_id', foreignKeyConstraintName: 'material_version_material_fk' })
  material?: Relation<Material>;

  @Column({ type: 'integer' })
  version: number;

  @Column({ type: 'uuid', nullable: true })
  fileId: string | null;

  /** RESTRICT: the materials service removes a material's files itself (FilesService.remove), after its versions. */
  @ManyToOne(() => StoredFile, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'file_id', foreignKeyConstraintName: 'material_version_file_fk' })
  file?: Relation<StoredFile> | null;

  @Column({ type: 'text', nullable: true })
  url: string | null;

  @Column({ type: 'uuid', nullable: true })
  addedBy: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'added_by', foreignKeyConstraintName: 'material_version_adder_fk' })
  adder?: Relation<User> | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
