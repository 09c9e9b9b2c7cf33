/**
 * The catalogue of stable error ids on the wire (`{ error: { id, message } }` and `error` events),
 * each with the HTTP status it always answers with. Shared by the Worker, which raises them, and the
 * clients, which map them back to sentences. A new id gets its status here and nowhere else.
 */
export const errorStatus = {
  // The request itself.
  invalid_json: 400,
  validation_failed: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  invalid_frame: 400,
  websocket_required: 426,
  // Who is asking.
  unauthenticated: 401,
  invalid_credentials: 401,
  email_taken: 409,
  weak_password: 400,
  origin_not_allowed: 403,
  session_ended: 401,
  rate_limited: 429,
  // What is asked for.
  not_found: 404,
  unknown_persona: 400,
  unknown_voice: 400,
  unknown_avatar: 400,
  unknown_tool: 404,
  message_too_long: 413,
  invalid_path: 400,
  file_too_large: 413,
  version_conflict: 409,
  too_many_files: 409,
  invalid_event: 400,
  invalid_calendar: 400,
  range_too_wide: 400,
  invalid_due_time: 400,
  // Calendars kept elsewhere, channels and outreach.
  source_unreachable: 502,
  source_auth_failed: 422,
  source_invalid: 422,
  invalid_oauth_state: 400,
  source_access_denied: 403,
  invalid_signature: 401,
  invalid_phone_number: 400,
  invalid_code: 400,
  phone_number_taken: 409,
  invalid_subscription: 400,
  confirmation_not_found: 404,
  feature_not_configured: 503,
  // Voice: a spoken turn over the realtime socket.
  voice_chunk_out_of_order: 400,
  voice_chunk_too_large: 413,
  voice_input_not_configured: 503,
  voice_output_not_configured: 503,
  voice_transcription_failed: 502,
  // Tools a person adds, and asking before acting.
  approval_not_found: 404,
  mcp_server_not_found: 404,
  http_tool_not_found: 404,
  tool_name_taken: 409,
  tool_is_shared: 403,
  invalid_tool_schema: 400,
  invalid_openapi_document: 400,
  url_not_allowed: 400,
  // The model behind a turn.
  llm_not_configured: 503,
  llm_provider_error: 502,
  llm_timeout: 504,
  llm_invalid_response: 502,
  tool_loop_limit: 502,
  /** The reply was cut off by a restart of the person's object (a deploy, an eviction): stored as failed when it starts again. */
  turn_interrupted: 503,
  // The speech providers behind `/speech` and `/transcriptions`.
  speech_provider_error: 502,
  speech_timeout: 504,
  // Bringing an export back (`POST /me/import`) or restoring a backup.
  /** An import goes only into an account with nothing of its own yet, so two lives are never mixed. */
  account_not_empty: 409,
  /** Another import or restore is running in this account. */
  import_in_progress: 409,
  backup_not_found: 404,
  /** A backup that cannot be read whole: changed, cut short, or not this account's. Nothing was changed. */
  backup_unreadable: 422,
  // Kindred itself.
  configuration_invalid: 500,
  internal_error: 500,
} as const satisfies Record<string, number>;

export type ErrorId = keyof typeof errorStatus;

/** Every error id, in the catalogue's order. */
export const errorIds = Object.keys(errorStatus) as [ErrorId, ...ErrorId[]];
