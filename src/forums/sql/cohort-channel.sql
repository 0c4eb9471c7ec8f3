-- Every round has its own forum channel, made with the round (catalogue adds the cohort; forums owns channels).
CREATE OR REPLACE FUNCTION forum_cohort_channel() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO forum_channel (kind, cohort_id) VALUES ('cohort', NEW.id) ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER forum_cohort_channel AFTER INSERT ON cohort FOR EACH ROW EXECUTE FUNCTION forum_cohort_channel();
