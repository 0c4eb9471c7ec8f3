// Rebuilding every search vector after Voikko was installed or its dictionary upgraded
// (`npm run search:reindex`, search/reindex.ts): first every known word is analysed again, then
// each registered kind rebuilds its rows' vectors, which the triggers' functions now build from the
// new analyses. Each batch is a statement of its own, committed before the next: the site keeps
// reading and writing throughout, with no long transaction and no table lock; a post written
// meanwhile gets its vector from its trigger, learned words and all.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { performance } from 'node:perf_hooks';
import { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { LOGGER } from '../logging/logger';
import { SearchKind, SearchSources } from './search-sources';
import { SearchVocabulary } from './search-vocabulary.service';

export const REINDEX_BATCH_SIZE = 500;

/** A batch that lost a deadlock or a serialization race to the site's own writes is tried again, this many times in all. */
const BATCH_ATTEMPTS = 3;
const RETRIED_SQLSTATES = new Set(['40P01', '40001']);

/** What reindexAll has done so far, after each batch. */
export interface ReindexProgress {
  /** `word`: the vocabulary analysed again; else the kind whose vectors are being rebuilt. */
  step: 'word' | SearchKind;
  batches: number;
  /** The last word or id done. */
  last: string;
  ms: number;
}

export interface ReindexedStep {
  step: 'word' | SearchKind;
  batches: number;
  /** Words only: how many search_word holds once they were analysed again. Kinds say batches, of at most batchSize rows each. */
  rows: number | null;
  ms: number;
  /** Words only: false when there is no Voikko, so nothing was analysed and vectors fall back to snowball stems. */
  analysed: boolean;
}

export interface ReindexSummary {
  batchSize: number;
  voikko: boolean;
  steps: ReindexedStep[];
  ms: number;
}

@Injectable()
export class SearchIndex {
  constructor(
    private readonly vocabulary: SearchVocabulary,
    private readonly sources: SearchSources,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async reindexAll(options: { batchSize?: number; onProgress?: (progress: ReindexProgress) => void } = {}): Promise<ReindexSummary> {
    const batchSize = options.batchSize ?? REINDEX_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a whole number of at least 1 (got ${batchSize})`);
    const started = performance.now();
    const steps: ReindexedStep[] = [];

    // Words first: the vectors below are built from their analyses.
    const words = await this.inBatches('word', batchSize, (after, size) => this.vocabulary.reanalyse(after, size), options.onProgress);
    const [{ count }] = await this.dataSource.query<{ count: number }[]>(`SELECT count(*)::int AS count FROM search_word`);
    steps.push({ ...words, rows: count, analysed: this.vocabulary.hasVoikko });

    for (const source of this.sources.all()) {
      const done = await this.inBatches(source.kind, batchSize, (after, size) => source.reindexBatch(after, size), options.onProgress);
      steps.push({ ...done, rows: null, analysed: true });
    }
    return { batchSize, voikko: this.vocabulary.hasVoikko, steps, ms: Math.round(performance.now() - started) };
  }

  private async inBatches(
    step: ReindexProgress['step'],
    size: number,
    batch: (after: string | null, size: number) => Promise<string | null>,
    onProgress?: (progress: ReindexProgress) => void,
  ): Promise<{ step: ReindexProgress['step']; batches: number; ms: number }> {
    const started = performance.now();
    let batches = 0;
    for (let after: string | null = null; ; ) {
      const last = await this.attempt(step, () => batch(after, size));
      if (last === null) break;
      batches++;
      after = last;
      onProgress?.({ step, batches, last, ms: Math.round(performance.now() - started) });
    }
    return { step, batches, ms: Math.round(performance.now() - started) };
  }

  private async attempt(step: ReindexProgress['step'], work: () => Promise<string | null>): Promise<string | null> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (attempt >= BATCH_ATTEMPTS || !code || !RETRIED_SQLSTATES.has(code)) throw error;
        this.logger.warn({ step, code, attempt }, 'search re-index: a batch met the site’s own writes; trying it again');
      }
    }
  }
}
