-- The search vectors of programmes and rounds (search/sql/search-vector.sql): a programme's title
-- above its summary and description, a round's name above its place, each language in its own.

CREATE OR REPLACE FUNCTION programme_vector(p programme) RETURNS tsvector LANGUAGE sql STABLE AS $$
  SELECT setweight(search_vector_localized(p.title), 'A') || setweight(search_vector_localized(p.summary), 'B') || search_vector_localized(p.description)
$$;

CREATE OR REPLACE TRIGGER programme_search BEFORE INSERT OR UPDATE OF title, summary, description ON programme FOR EACH ROW EXECUTE FUNCTION search_keep_vector('programme_vector');

CREATE OR REPLACE FUNCTION cohort_vector(c cohort) RETURNS tsvector LANGUAGE sql STABLE AS $$
  SELECT setweight(search_vector('fi', c.name), 'A') || search_vector('fi', c.place)
$$;

CREATE OR REPLACE TRIGGER cohort_search BEFORE INSERT OR UPDATE OF name, place ON cohort FOR EACH ROW EXECUTE FUNCTION search_keep_vector('cohort_vector');
