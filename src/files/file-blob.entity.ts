import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * One distinct content, named by its SHA-256 (hex): the same bytes uploaded by many people, or to
 * many places, are one blob. Its bytes live in the configured FileStore (file_chunk in PostgreSQL,
 * or an object named by the hash in S3).
 */
@Entity('file_blob')
export class FileBlob {
  @PrimaryColumn({ type: 'char', length: 64 })
  sha256: string;

  @Column({ type: 'bigint', transformer: { to: (value: number) => value, from: (value: string) => Number(value) } })
  size: number;

  /** The type found by reading the content, never the one a browser declared. */
  @Column({ type: 'text' })
  mimeType: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
