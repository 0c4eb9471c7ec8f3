import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A word as PostgreSQL's `simple` configuration parses it (lowercase) and the terms Voikko gives
 * for it (search/voikko.ts wordTerms: `^base`, `~compound part`); no terms: Voikko does not know
 * the word, and search uses its snowball stem. Written by SearchVocabulary before a text is
 * written, read by search/sql/search-vector.sql when the text's vector is built.
 */
@Entity('search_word')
export class SearchWord {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'search_word_pk' })
  word: string;

  @Column({ type: 'text', array: true })
  terms: string[];

  @Column({ type: 'timestamptz', default: () => 'now()' })
  analysedAt: Date;
}
