-- Finnish search with Voikko's morphology. PostgreSQL's snowball `finnish` stemmer knows neither
-- consonant gradation (kädessä → käsi) nor compounds (keskustelualueella → alue), so a Finnish
-- text's vector holds each word as written (lowercase, the `simple` configuration) and, at the same
-- positions, the terms Voikko gives for it: its base forms marked `^` (^käsi) and the runs of its
-- compound parts marked `~` (~alue, ~työkalu). The app analyses words in Node (libvoikko through
-- koffi) before it writes a text and keeps the result in search_word; these functions only look it
-- up, so the vector is built in the writer's statement without calling out of the database. A
-- word search_word does not know (Voikko absent, or a name Voikko cannot analyse) falls back to
-- the snowball stem as its base form, so search works without Voikko as it did before.
-- Swedish and English texts keep their snowball configurations.

-- A lexeme as a quoted tsvector / tsquery literal.
CREATE OR REPLACE FUNCTION search_literal(lexeme text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT '''' || replace(replace(lexeme, '\', '\\'), '''', '''''') || ''''
$$;

-- The snowball stem of a word as its one base form (`^stem`): the terms of a word Voikko does not know.
CREATE OR REPLACE FUNCTION search_stem_terms(word text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ARRAY(SELECT '^' || stem.lexeme FROM unnest(to_tsvector('finnish', word)) stem)
$$;

-- The terms a Finnish word (lowercase) adds besides itself: Voikko's, or the snowball stem.
CREATE OR REPLACE FUNCTION search_terms_fi(word text) RETURNS text[] LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN cardinality(known.terms) > 0 THEN known.terms ELSE search_stem_terms(word) END
  FROM (SELECT (SELECT w.terms FROM search_word w WHERE w.word = search_terms_fi.word) AS terms) known
$$;

-- A Finnish text's vector: its words as written, and each word's terms at the word's positions
-- (one literal: concatenating tsvectors would shift the terms' positions past the words'). The
-- terms as search_terms_fi gives them, joined rather than looked up word by word (half the time).
CREATE OR REPLACE FUNCTION search_vector_fi(body text) RETURNS tsvector LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce((
    SELECT string_agg(search_literal(lexeme) || ':' || positions, ' ')::tsvector
    FROM (
      SELECT word.lexeme, array_to_string(word.positions, ',') AS positions FROM unnest(written) word
      UNION ALL
      SELECT term, array_to_string(word.positions, ',')
      FROM unnest(written) word LEFT JOIN search_word known ON known.word = word.lexeme,
           unnest(CASE WHEN cardinality(known.terms) > 0 THEN known.terms ELSE search_stem_terms(word.lexeme) END) term
    ) lexemes
  ), ''::tsvector)
  FROM to_tsvector('simple', coalesce(body, '')) written
$$;

-- A text's vector in its language: Voikko's Finnish, or snowball's Swedish or English.
CREATE OR REPLACE FUNCTION search_vector(language text, body text) RETURNS tsvector LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE language WHEN 'sv' THEN to_tsvector('swedish', coalesce(body, ''))
                       WHEN 'en' THEN to_tsvector('english', coalesce(body, ''))
                       ELSE search_vector_fi(body) END
$$;

-- The vector of a text in fi/sv/en ({"fi": …, "sv": …, "en": …}): each language's text in its own.
CREATE OR REPLACE FUNCTION search_vector_localized(text jsonb) RETURNS tsvector LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT search_vector('fi', text->>'fi') || search_vector('sv', text->>'sv') || search_vector('en', text->>'en')
$$;

-- A BEFORE INSERT OR UPDATE trigger keeping a row's `search` column, for the tables whose rows are
-- few and written seldom (programmes, rounds, events, materials, the toolkit): TG_ARGV[0] names the
-- owner's function that makes a row's vector (programme_vector…). Posts have a trigger of their own,
-- without this one's dynamic call, as they are many.
CREATE OR REPLACE FUNCTION search_keep_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('SELECT %I($1)', TG_ARGV[0]) INTO NEW.search USING NEW;
  RETURN NEW;
END
$$;

-- The words typed, as the `simple` configuration parses them (so tsquery syntax is only ever
-- quoted text), numbered in order: the last one is being typed.
CREATE OR REPLACE FUNCTION search_typed_words(typed text) RETURNS TABLE (word text, n integer, last boolean) LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT w.lexeme, w.positions[1]::integer, w.positions[1] = max(w.positions[1]) OVER ()
  FROM unnest(to_tsvector('simple', coalesce(typed, ''))) w
$$;

-- The terms of a word typed in a search: those Node's Voikko gave in `analysed` ({"word": [terms]},
-- so a search writes nothing), else as a text's word gets them (search_word, else the snowball stem).
CREATE OR REPLACE FUNCTION search_typed_terms(word text, analysed jsonb) RETURNS text[] LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN jsonb_typeof(analysed->word) = 'array' AND jsonb_array_length(analysed->word) > 0
              THEN ARRAY(SELECT jsonb_array_elements_text(analysed->word))
              ELSE search_terms_fi(word) END
$$;

-- The Finnish query for what was typed, every word required. tier 3: each word as written; 2: or
-- any of its base forms; 1: or a base form as a part of a compound. With `prefix` the last word
-- also matches written words it begins ("kehit" finds "kehittäjä"). NULL when nothing was typed.
CREATE OR REPLACE FUNCTION search_query_fi(typed text, tier integer, prefix boolean, analysed jsonb) RETURNS tsquery LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT string_agg('(' || concat_ws(' | ',
           search_literal(t.word) || CASE WHEN prefix AND t.last THEN ':*' ELSE '' END,
           (SELECT string_agg(search_literal(term), ' | ') FROM unnest(t.terms) term WHERE tier <= 2 AND term LIKE '^%'),
           (SELECT string_agg(search_literal('~' || substr(term, 2)), ' | ') FROM unnest(t.terms) term WHERE tier <= 1 AND term LIKE '^%')
         ) || ')', ' & ' ORDER BY t.n)::tsquery
  FROM (SELECT w.word, w.n, w.last, search_typed_terms(w.word, analysed) AS terms FROM search_typed_words(typed) w) t
$$;

-- The query in a snowball configuration (swedish, english), every word required, the last also as a prefix.
CREATE OR REPLACE FUNCTION search_query_stemmed(config regconfig, typed text, prefix boolean) RETURNS tsquery LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT to_tsquery(config, string_agg(search_literal(t.word) || CASE WHEN prefix AND t.last THEN ':*' ELSE '' END, ' & ' ORDER BY t.n))
  FROM search_typed_words(typed) t
$$;

-- The written words of vector `v` to mark in a snippet: those at the positions where a term of
-- query `q` matched (kädessä where ^käsi did). As a `simple` tsquery for ts_headline; NULL: none.
CREATE OR REPLACE FUNCTION search_marked_words(v tsvector, q tsquery) RETURNS tsquery LANGUAGE sql STABLE PARALLEL SAFE AS $$
  WITH any_word AS (SELECT replace(q::text, ' & ', ' | ')::tsquery AS q),
  hit AS (
    SELECT array_agg(p) AS positions FROM unnest(v) m, unnest(m.positions) p, any_word
    WHERE array_to_tsvector(ARRAY[m.lexeme]) @@ any_word.q
  )
  SELECT string_agg(search_literal(w.lexeme), ' | ')::tsquery
  FROM unnest(v) w, hit WHERE left(w.lexeme, 1) NOT IN ('^', '~') AND w.positions && hit.positions
$$;
