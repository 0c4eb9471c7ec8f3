// Who owns each table. Only the owning area writes a table or names it in SQL; another area reads
// it through what the owner exports: a view listed under `exports` below (created by the owner's
// `src/<area>/sql/*.sql`), an SQL function of the owner's, or a method of the owner's service.
// test/table-ownership.test.ts reads every .ts and .sql file under src/ and fails on SQL that names
// a table its area does not own, so a new query that reaches into another area's tables shows up
// in review as a failing test rather than as coupling found a year later.

export type Area =
  | 'access'
  | 'accounts'
  | 'calendar'
  | 'catalogue'
  | 'database'
  | 'enrolment'
  | 'feedback'
  | 'files'
  | 'forums'
  | 'health'
  | 'identity'
  | 'materials'
  | 'newsletter'
  | 'notifications'
  | 'register'
  | 'search'
  | 'toolkit';

/** Every table, by the area that owns (writes, and alone names) it. */
export const TABLE_OWNERS: Record<string, Area> = {
  app_user: 'identity',
  agency: 'identity',
  api_token: 'identity',
  audit_log: 'identity',
  email_verification: 'accounts',
  password_reset: 'accounts',
  user_session: 'access',
  installation_secret: 'database',
  programme: 'catalogue',
  programme_facilitator: 'catalogue',
  cohort: 'catalogue',
  cohort_facilitator: 'catalogue',
  cohort_session: 'catalogue',
  programme_interest: 'catalogue',
  session_change: 'catalogue',
  enrolment: 'enrolment',
  enrolment_change: 'enrolment',
  attendance: 'enrolment',
  completion: 'enrolment',
  forum_channel: 'forums',
  forum_thread: 'forums',
  forum_post: 'forums',
  forum_read: 'forums',
  forum_subscription: 'forums',
  forum_moderation: 'forums',
  notification: 'notifications',
  notification_preference: 'notifications',
  calendar_feed: 'calendar',
  network_event: 'calendar',
  event_registration: 'calendar',
  newsletter_subscriber: 'newsletter',
  newsletter_edition: 'newsletter',
  search_word: 'search',
  running_process: 'health',
  survey: 'feedback',
  survey_question: 'feedback',
  survey_response: 'feedback',
  survey_answer: 'feedback',
  survey_respondent: 'feedback',
  historical_completion: 'register',
  agency_contact: 'register',
  file_blob: 'files',
  file_chunk: 'files',
  stored_file: 'files',
  material: 'materials',
  material_version: 'materials',
  toolkit_entry: 'toolkit',
  toolkit_link: 'toolkit',
};

/**
 * The views each area exports for other areas to read (never to write). A view is the owner's
 * promise about a shape: the tables behind it may change, the view's columns stay.
 */
export const VIEW_EXPORTS: Record<string, Area> = {
  person: 'identity',
  agency_name: 'identity',
  programme_listing: 'catalogue',
  cohort_listing: 'catalogue',
  session_listing: 'catalogue',
  facilitator_listing: 'catalogue',
  cohort_member: 'enrolment',
  outbox_entry: 'notifications',
  notification_choice: 'notifications',
  live_api_token: 'identity',
  api_token_listing: 'identity',
  audit_entry: 'identity',
  programme_facilitator_listing: 'catalogue',
  session_change_by_person: 'catalogue',
  programme_interest_by_person: 'catalogue',
  enrolment_by_person: 'enrolment',
  enrolment_history: 'enrolment',
  attendance_by_person: 'enrolment',
  completion_by_person: 'enrolment',
  forum_channel_name: 'forums',
  forum_thread_by_person: 'forums',
  forum_post_by_person: 'forums',
  forum_subscription_by_person: 'forums',
  forum_read_by_person: 'forums',
  forum_moderation_by_person: 'forums',
  calendar_feed_by_person: 'calendar',
  stored_file_by_person: 'files',
  material_by_person: 'materials',
  material_version_by_person: 'materials',
  toolkit_entry_by_person: 'toolkit',
  newsletter_subscriber_by_person: 'newsletter',
  notification_by_person: 'notifications',
  unread_notification_count: 'notifications',
  file_attachment: 'files',
  completion_listing: 'enrolment',
  register_person: 'identity',
  historical_completion_by_person: 'register',
  agency_contact_by_person: 'register',
};
