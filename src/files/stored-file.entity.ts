import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation } from 'typeorm';
import { User } from '../identity/user.entity';
import { FileBlob } from './file-blob.entity';

/**
 * A file as someone uploaded it: its name and type, who uploaded it and what it belongs to. Many
 * stored files may share one blob. `ownerKind`/`ownerId` name the thing the file belongs to (a
 * material, a post attachment, a toolkit entry); whoever may see that may see the file
 * (FileAccessRules). Without an owner only the uploader and admins see it.
 */
@Entity('stored_file')
@Index('stored_file_owner_idx', ['ownerKind', 'ownerId'])
export class StoredFile {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'char', length: 64 })
  blobSha256: string;

  @ManyToOne(() => FileBlob, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'blob_sha256', foreignKeyConstraintName: 'stored_file_blob_fk' })
  blob?: Relation<FileBlob>;

  /** As uploaded, made safe: no path, no control characters, NFC, at most 200 characters. */
  @Column({ type: 'text' })
  originalName: string;

  @Column({ type: 'text' })
  mimeType: string;

  @Column({ type: 'bigint', transformer: { to: (value: number) => value, from: (value: string) => Number(value) } })
  size: number;

  /** Null once the uploader's account is erased; the file stays with what it belongs to. */
  @Column({ type: 'uuid', nullable: true })
  uploadedBy: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'uploaded_by', foreignKeyConstraintName: 'stored_file_uploader_fk' })
  uploader?: Relation<User>;

  @Column({ type: 'text', nullable: true })
  ownerKind: string | null;

  @Column({ type: 'uuid', nullable: true })
  ownerId: string | null;

  /** The order of an owner's files (a post's attachments as chosen), then by time. */
  @Column({ type: 'integer', default: 0 })
  position: number;

  @Column({ type: 'char', length: 64, nullable: true })
  thumbnailSha256: string | null;

  @ManyToOne(() => FileBlob, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'thumbnail_sha256', foreignKeyConstraintName: 'stored_file_thumbnail_fk' })
  thumbnail?: Relation<FileBlob>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
