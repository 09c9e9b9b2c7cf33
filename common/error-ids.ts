/**
 * The catalogue of stable error ids on the wire (`{ error: { id, message } }` and `error` events).
 * Shared by the Worker, which raises them, and the clients, which map them back to sentences.
 */
export const errorIds = [
  'invalid_json',
  'validation_failed',
  'payload_too_large',
  'unauthenticated',
  'invalid_credentials',
  'email_taken',
  'rate_limited',
  'not_found',
  'unknown_persona',
  'unknown_voice',
  'unknown_avatar',
  'unknown_tool',
  'message_too_long',
  'invalid_path',
  'file_too_large',
  'version_conflict',
  'too_many_files',
  'invalid_frame',
  'websocket_required',
  'turn_in_progress',
  'llm_not_configured',
  'llm_provider_error',
  'llm_timeout',
  'llm_invalid_response',
  'tool_loop_limit',
  'configuration_invalid',
  'not_implemented',
  'internal_error',
] as const;

export type ErrorId = (typeof errorIds)[number];

/** The error body every failing HTTP answer carries. */
export interface ErrorBody {
  error: { id: ErrorId; message: string };
}
