// The app's SearchVocabulary (Voikko's analyses kept in search_word) in a benchmark's own process,
// on its own small TypeORM connection to the bench database: seeding learns the words of the posts
// it loads with it, as the app learns a post's words before writing it, and bench:search times it.
import pino from 'pino';
import { DataSource } from 'typeorm';
import { Config } from '../../src/config/config';
import { SearchVocabulary } from '../../src/search/search-vocabulary.service';

export interface BenchVocabulary {
  vocabulary: SearchVocabulary;
  close(): Promise<void>;
}

/** VOIKKO_LIBRARY as the app reads it (the Debian library by default). */
export async function benchVocabulary(databaseUrl: string): Promise<BenchVocabulary> {
  const dataSource = new DataSource({ type: 'postgres', url: databaseUrl, extra: { max: 2, application_name: 'verso-bench-vocabulary' } });
  await dataSource.initialize();
  const config = { voikkoLibrary: process.env.VOIKKO_LIBRARY || 'libvoikko.so.1' } as Config;
  const vocabulary = new SearchVocabulary(dataSource, config, pino({ level: 'warn' }));
  return { vocabulary, close: () => dataSource.destroy() };
}
