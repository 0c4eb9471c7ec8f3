// The words Voikko has analysed (search_word), kept ahead of the texts that use them: whoever
// writes a text calls learn() with it first, so the trigger that builds the text's vector finds
// every word's base forms and compound parts (search/sql/search-vector.sql). Words are parsed by
// PostgreSQL's own `simple` configuration, the same parse the vector uses, so the two never
// disagree on what a word is.
//
// Without Voikko (the Debian packages libvoikko1 and voikko-fi missing) the app still starts: one
// line in the log says so and how to install it, /health/ready reports it, learn() does nothing,
// and search uses PostgreSQL's snowball stems as before.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { CONFIG, Config } from '../config/config';
import type { LocalizedText } from '../i18n/i18n';
import { LOGGER } from '../logging/logger';
import { loadVoikko, Voikko, wordTerms, WordReading } from './voikko';

/** Longer "words" (URLs run together, hashes) are not analysed: they fall back to the stemmer. */
export const MAX_ANALYSED_WORD = 60;

export const VOIKKO_HELP =
  'Finnish search falls back to PostgreSQL’s built-in stemmer (no inflected forms or compound parts): install Voikko with `sudo apt-get install libvoikko1 voikko-fi`, then run `npm run search:reindex`.';

/** A text to learn the words of: a string, or a text in fi/sv/en (every language's string); none: nothing. */
export type LearnedText = string | Partial<LocalizedText> | null | undefined;

/** Each word typed in a search (lowercase, as PostgreSQL parses it) and Voikko's terms for it; empty without Voikko. */
export type TypedWords = Record<string, string[]>;

export type FinnishAnalysis = { analyser: 'voikko' } | { analyser: 'snowball'; reason: string; help: string };

@Injectable()
export class SearchVocabulary {
  private readonly voikko: Voikko | null;
  readonly analysis: FinnishAnalysis;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CONFIG) config: Config,
    @Inject(LOGGER) logger: Logger,
  ) {
    const loaded = loadVoikko(config.voikkoLibrary);
    if ('voikko' in loaded) {
      this.voikko = loaded.voikko;
      this.analysis = { analyser: 'voikko' };
    } else {
      this.voikko = null;
      this.analysis = { analyser: 'snowball', reason: loaded.missing, help: VOIKKO_HELP };
      logger.warn({ voikko: loaded.missing }, VOIKKO_HELP);
    }
  }

  get hasVoikko(): boolean {
    return this.voikko !== null;
  }

  /** Analyses the words of `texts` that search_word does not know yet and stores them. */
  async learn(texts: readonly LearnedText[]): Promise<number> {
    if (!this.voikko) return 0;
    const given = texts
      .flatMap((text) => (typeof text === 'string' ? [text] : Object.values(text ?? {})))
      .filter((text): text is string => typeof text === 'string' && text.trim() !== '')
      .map(sendable);
    if (given.length === 0) return 0;
    const unknown: { word: string }[] = await this.dataSource.query(
      `SELECT DISTINCT w.lexeme AS word FROM unnest($1::text[]) AS text, unnest(to_tsvector('simple', text)) w
       WHERE w.lexeme ~ '[[:alpha:]]' AND length(w.lexeme) <= $2 AND NOT EXISTS (SELECT FROM search_word s WHERE s.word = w.lexeme)`,
      [given, MAX_ANALYSED_WORD],
    );
    if (unknown.length === 0) return 0;
    await this.store(unknown.map(({ word }) => ({ word, terms: this.termsOf(word) })), 'keep');
    return unknown.length;
  }

  /**
   * The words typed in a search with their terms, for the query to use as they are
   * (search_query_fi's `analysed`): a search never writes, whatever anyone types.
   */
  analyseTyped(typed: string): TypedWords {
    const analysed: TypedWords = {};
    if (!this.voikko) return analysed;
    for (const word of typedWords(sendable(typed))) {
      if (!(word in analysed)) analysed[word] = this.termsOf(word);
    }
    return analysed;
  }

  /**
   * Analyses again up to `size` known words after `after` (in word order), as after a dictionary
   * upgrade; returns the last word done, or null when none were left.
   */
  async reanalyse(after: string | null, size: number): Promise<string | null> {
    if (!this.voikko) return null;
    const rows: { word: string }[] = await this.dataSource.query(
      `SELECT word FROM search_word WHERE $1::text IS NULL OR word > $1 ORDER BY word LIMIT $2`,
      [after, size],
    );
    if (rows.length === 0) return null;
    await this.store(rows.map(({ word }) => ({ word, terms: this.termsOf(word) })), 'replace');
    return rows[rows.length - 1].word;
  }

  /** The terms Voikko gives for a word as PostgreSQL parsed it (lowercase; a name is tried capitalised too). */
  termsOf(word: string): string[] {
    return wordTerms(this.readings(word));
  }

  /**
   * "Did you mean": what was typed with each word Voikko thinks misspelled replaced by its first
   * suggestion; null when every word is spelled right, Voikko has no better one, or there is no Voikko.
   */
  correction(typed: string): string | null {
    const voikko = this.voikko;
    if (!voikko) return null;
    let changed = false;
    const corrected = sendable(typed).replace(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu, (word) => {
      if (word.length > MAX_ANALYSED_WORD || /\p{N}/u.test(word) || voikko.spells(word)) return word;
      const suggestion = voikko.suggest(word)[0];
      if (!suggestion || suggestion.toLowerCase() === word.toLowerCase()) return word;
      changed = true;
      return suggestion;
    });
    return changed ? corrected : null;
  }

  private readings(word: string): WordReading[] {
    const voikko = this.voikko;
    if (!voikko) return [];
    const readings = voikko.analyse(word);
    return readings.length > 0 ? readings : voikko.analyse(word.charAt(0).toUpperCase() + word.slice(1));
  }

  private async store(words: { word: string; terms: string[] }[], existing: 'keep' | 'replace'): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO search_word (word, terms)
       SELECT w.word, ARRAY(SELECT jsonb_array_elements_text(w.terms)) FROM jsonb_to_recordset($1::jsonb) AS w(word text, terms jsonb)
       ON CONFLICT (word) DO ${existing === 'keep' ? 'NOTHING' : 'UPDATE SET terms = excluded.terms, analysed_at = now() WHERE search_word.terms IS DISTINCT FROM excluded.terms'}`,
      [JSON.stringify(words)],
    );
  }
}

/**
 * The words of a search as PostgreSQL's parser makes them (lowercase; a hyphenated word whole and
 * in its parts), those with a letter and short enough to analyse. A word missed here is still
 * searched for, with the terms search_word or the stemmer give it.
 */
function typedWords(typed: string): string[] {
  const words: string[] = [];
  for (const [whole] of typed.toLowerCase().matchAll(/[\p{L}\p{N}_]+(?:-[\p{L}\p{N}_]+)*/gu)) {
    words.push(whole, ...(whole.includes('-') ? whole.split('-') : []));
  }
  return words.filter((word) => /\p{L}/u.test(word) && word.length <= MAX_ANALYSED_WORD);
}

/** Text PostgreSQL accepts: NUL and lone surrogates (which it refuses, answering 500) made spaces. */
export function sendable(text: string): string {
  return text.replace(/[\u0000]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, ' ');
}
