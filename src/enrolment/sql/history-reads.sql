-- What other areas may ask of a place's history (enrolment owns enrolment_change).

-- Whether a cancelled place held a seat until it was cancelled: its latest cancellation was of a
-- confirmed place (only then had the person the round's sessions in their calendar).
CREATE OR REPLACE FUNCTION held_seat_until_cancelled(p_enrolment_id uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT coalesce((SELECT from_status = 'confirmed' FROM enrolment_change WHERE enrolment_id = p_enrolment_id AND to_status = 'cancelled'
                   ORDER BY created_at DESC LIMIT 1), false)
$$;
