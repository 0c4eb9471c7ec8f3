// The network events the demo seed (src/demo) starts with: written as they are, published, on a
// database without any, once however many processes start at the same moment. Not audited: nobody
// wrote them.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SearchVocabulary } from '../search/search-vocabulary.service';
import { eventTexts } from './network-event.search';
import { NetworkEvent } from './network-event.entity';
import type { NetworkEventInput } from './network-events.service';

/** Arbitrary, fixed key of the advisory lock that lets one process at a time add them ("demE" in ASCII). */
const NETWORK_EVENTS_LOCK_KEY = 0x64656d45;

@Injectable()
export class DemoNetworkEventsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly vocabulary: SearchVocabulary,
  ) {}

  /** Adds the events when there are none yet; returns how many it added. */
  async addIfNone(events: NetworkEventInput[]): Promise<number> {
    await this.vocabulary.learn(events.flatMap(eventTexts));
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [NETWORK_EVENTS_LOCK_KEY]);
      if ((await manager.count(NetworkEvent)) > 0) return 0;
      await manager.insert(
        NetworkEvent,
        events.map(({ registration, ...event }) => ({
          ...event,
          registrationCapacity: registration?.capacity ?? null,
          registrationClosesAt: registration?.closesAt ?? null,
          registrationQuestions: registration?.questions ?? [],
          status: 'published' as const,
          revision: 0,
        })),
      );
      return events.length;
    });
  }
}
