-- What other areas may read of feedback about a person (a person's download of their data reads
-- these): the surveys they answered (survey_respondent: only that and when, for anonymous surveys
-- too) and their own named answers. An anonymous answer names nobody, so it is no one's here.

CREATE OR REPLACE VIEW survey_respondent_by_person AS
  SELECT r.survey_id, r.user_id, r.answered_at, s.purpose, s.title, s.programme_id, s.cohort_id
  FROM survey_respondent r JOIN survey s ON s.id = r.survey_id;

CREATE OR REPLACE VIEW survey_answer_by_person AS
  SELECT r.id AS response_id, r.survey_id, r.user_id, r.submitted_at, r.updated_at, s.title AS survey_title, s.cohort_id,
         q.position, q.kind, q.prompt, q.options, a.scale_value, a.choices, a.text
  FROM survey_response r JOIN survey s ON s.id = r.survey_id
  JOIN survey_answer a ON a.response_id = r.id JOIN survey_question q ON q.id = a.question_id;
