// Server error ids turned into sentences a person can act on. The server's own message is for
// developers (it may name variables); the interface shows these instead.
import { type ClientErrorId, KindredApiError } from '../../common/client.ts';
import type { ErrorId } from '../../common/error-ids.ts';

const sentences: Record<ErrorId | ClientErrorId, string> = {
  invalid_json: 'Something went wrong sending that. Please try again.',
  validation_failed: 'Some of what you entered is not valid. Please check it and try again.',
  payload_too_large: 'That is too large to send.',
  unsupported_media_type: 'Kindred could not read what was sent. Please try again.',
  unauthenticated: 'Your session has ended. Please log in again.',
  invalid_credentials: 'That email and password do not match an account.',
  email_taken: 'An account with that email already exists. Try logging in instead.',
  weak_password: 'That password is too easy to guess. Try a few words that mean something to you.',
  origin_not_allowed: 'That request came from another site, so Kindred refused it. Open Kindred directly and try again.',
  session_ended: 'Your session has ended. Please log in again.',
  rate_limited: 'You are going a little fast. Please wait a moment and try again.',
  not_found: 'That could not be found. It may have been deleted.',
  unknown_persona: 'That personality is no longer available. Please pick another.',
  unknown_voice: 'That voice is no longer available. Please pick another.',
  unknown_avatar: 'That avatar is no longer available. Please pick another.',
  unknown_tool: 'That tool is no longer available.',
  message_too_long: 'That message is too long. Please shorten it to under 16,000 characters.',
  invalid_path: 'That file name is not allowed. Use letters, digits, dashes and slashes, such as notes/ideas.md.',
  file_too_large: 'That file is too large to save.',
  version_conflict: 'This file changed since you opened it. Reload it to see the newer version before saving.',
  invalid_due_time: 'That time has already passed or does not exist. Pick a time in the future.',
  too_many_files: 'You have reached the maximum number of files. Delete one to make room.',
  invalid_event: 'That event does not add up: check its dates, times and repetition.',
  invalid_calendar: 'That calendar file could not be read. Export it again as an .ics file and try once more.',
  range_too_wide: 'That is too long a stretch of the calendar to show at once. Pick a year or less.',
  source_unreachable: 'That calendar could not be reached. Check the address, or try again in a little while.',
  source_auth_failed: 'That calendar refused the sign-in. Check the user name and password, or connect it again.',
  source_invalid: 'That address does not lead to a calendar Kindred can read.',
  invalid_oauth_state: 'Connecting that calendar took too long or was started elsewhere. Please start again.',
  source_access_denied: 'Google was not given access to the calendar, so nothing was connected. Connect it again to allow access.',
  invalid_signature: 'That request could not be verified.',
  invalid_phone_number: 'That does not look like a phone number. Include the country code, such as +44 7700 900123.',
  invalid_code: 'That code is not right or has expired. Check the latest WhatsApp message, or send a new code.',
  invalid_subscription: 'This device could not be signed up for notifications. Please try again.',
  confirmation_not_found: 'That request has already been answered or has expired.',
  approval_not_found: 'That request has already been answered or has expired.',
  mcp_server_not_found: 'That tool server is not connected any more.',
  http_tool_not_found: 'That tool does not exist any more.',
  tool_name_taken: 'You already have a tool with that name. Please choose another.',
  tool_is_shared: 'That tool is set up for everyone by whoever runs this server, so it cannot be removed here. You can switch it off.',
  invalid_tool_schema: 'The tool description is not valid. Please check its input schema.',
  invalid_openapi_document: 'That OpenAPI document could not be read.',
  url_not_allowed: 'Kindred cannot connect to that address. Please use a public https address.',
  phone_number_taken: 'That number is already linked to another Kindred account.',
  voice_chunk_out_of_order: 'Part of what you said got lost on the way. Please say it again.',
  voice_chunk_too_large: 'Part of what you said was too large to send. Please say it again.',
  voice_input_not_configured: 'Speech recognition is not set up on this server, so your device listens instead.',
  voice_output_not_configured: 'Speech is not set up on this server, so your device speaks the replies instead.',
  voice_transcription_failed: 'Kindred could not make out what you said. Please try again.',
  feature_not_configured: 'That is not set up on this server yet. Please tell whoever runs it.',
  invalid_frame: 'Something went wrong sending that. Please try again.',
  websocket_required: 'The live connection could not be opened.',
  llm_not_configured: "Your companion can't reply yet: no chat model is configured on this server.",
  llm_provider_error: "Your companion's language model had a problem. Your message is saved; please try again.",
  llm_timeout: 'Your companion took too long to answer. Your message is saved; please try again.',
  llm_invalid_response: "Your companion's answer came back garbled. Your message is saved; please try again.",
  tool_loop_limit: 'Your companion got stuck using its tools and stopped. Please try rephrasing.',
  turn_interrupted: 'Your companion was interrupted while answering. Your message is saved; please send it again.',
  speech_provider_error: 'The speech service had a problem. Please try again.',
  speech_timeout: 'The speech service took too long. Please try again.',
  account_not_empty: 'An export can only be brought into an account that has nothing in it yet. Create a new account for it, or delete this one first.',
  import_in_progress: 'Kindred is already bringing in your data. Wait for it to finish.',
  backup_not_found: 'That backup is not there any more. Choose another one.',
  backup_unreadable: 'That backup is damaged and cannot be restored. Nothing was changed: choose another one.',
  configuration_invalid: 'The server is not set up correctly. Please tell whoever runs it.',
  internal_error: 'Something went wrong on the server. Please try again.',
  network_error: "Kindred can't reach the server. Check your connection and try again.",
  unexpected_response: 'The server gave an answer Kindred did not understand. Please try again.',
};

/** The sentence for an error id, or a general one for ids this build does not know. */
export function sentenceForErrorId(id: string): string {
  return (sentences as Record<string, string>)[id] ?? 'Something went wrong. Please try again.';
}

/** Errors whose server message is written for the person (why a password was refused, how long to wait). */
const spokenByServer = new Set<string>(['weak_password', 'rate_limited']);

/** The sentence for anything thrown by the client or the app. */
export function sentenceForError(error: unknown): string {
  if (error instanceof KindredApiError) return spokenByServer.has(error.id) ? error.message : sentenceForErrorId(error.id);
  return 'Something went wrong. Please try again.';
}
