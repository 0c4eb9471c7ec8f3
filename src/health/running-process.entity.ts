import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A process of the site that is running now (running-processes.service.ts): what it must agree on
 * with the others, and when it last said it was alive. A gracefully stopped process deletes its
 * row; a killed one's row is ignored once it is stale.
 */
@Entity('running_process')
@Index('running_process_seen', ['seenAt'])
export class RunningProcess {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  /** APP_ROLE: web, worker or all. */
  @Column({ type: 'text' })
  role: string;

  @Column({ type: 'text' })
  host: string;

  @Column({ type: 'integer' })
  pid: number;

  /** An HMAC of a fixed text keyed with the session secret: equal secrets, equal fingerprints, and it reveals nothing. */
  @Column({ type: 'text' })
  secretFingerprint: string;

  @Column({ type: 'text' })
  redisPrefix: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  startedAt: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  seenAt: Date;
}
