// The Tools screen and the approval cards in plain words: what a risk level means, where a tool
// comes from, what state a tool server is in, and a tool call's input as lines a person can read.
// Also the checks made before anything is sent (header rows, a JSON Schema typed into a textarea),
// so a mistake is said next to the field instead of coming back as a server error.
import type { McpServer, ToolApprovalStatus, ToolRisk, ToolView } from '../../../common/client.ts';

/** Each risk level in the words the screen uses, and one sentence on what it means. */
export const riskWords: Record<ToolRisk, { label: string; description: string }> = {
  read: { label: 'Only looks', description: 'Reads or looks things up; never asks first.' },
  change: { label: 'Changes your data', description: 'Adds to, changes or deletes what Kindred keeps for you.' },
  act: { label: 'Acts in the world', description: 'Sends, buys, deletes or posts somewhere else.' },
};

export const riskLevels: readonly ToolRisk[] = ['read', 'change', 'act'];

/** Whether a call of a tool at this risk level can wait for the person: only looking never does. */
export const canAskFirst = (risk: ToolRisk) => risk !== 'read';

/** What each connection state of a tool server is called on screen. */
export const mcpStateWords: Record<McpServer['state'], string> = {
  connecting: 'Connecting…',
  ready: 'Ready',
  'needs-sign-in': 'Needs you to sign in',
  failed: 'Could not connect',
  unavailable: 'Unavailable for now',
};

/** What became of a request to approve, once it is no longer waiting. */
export const approvalOutcomeWords: Record<Exclude<ToolApprovalStatus, 'pending'>, string> = {
  approved: 'Allowed.',
  denied: 'Denied: it was not done.',
  expired: 'Not answered in time: it was not done.',
};

/** A group of tools by where they come from, in the order the screen shows them. */
export interface ToolGroup {
  key: string;
  title: string;
  tools: ToolView[];
}

/**
 * Groups tools by source: the built-in ones first, then one group per tool server (by name), then the
 * person's own HTTP tools, then those shared by whoever runs the server. Empty groups are left out.
 */
export function groupToolsBySource(tools: readonly ToolView[]): ToolGroup[] {
  const builtIn: ToolView[] = [];
  const servers = new Map<string, ToolGroup>();
  const ownHttp: ToolView[] = [];
  const sharedHttp: ToolView[] = [];
  for (const tool of tools) {
    const source = tool.source;
    if (source.kind === 'built-in') builtIn.push(tool);
    else if (source.kind === 'http') (source.shared ? sharedHttp : ownHttp).push(tool);
    else {
      const group = servers.get(source.serverId) ?? { key: `mcp-${source.serverId}`, title: `From ${source.serverName}`, tools: [] };
      group.tools.push(tool);
      servers.set(source.serverId, group);
    }
  }
  const groups: ToolGroup[] = [
    { key: 'built-in', title: 'Built in', tools: builtIn },
    ...[...servers.values()].sort((left, right) => left.title.localeCompare(right.title)),
    { key: 'http', title: 'Your HTTP tools', tools: ownHttp },
    { key: 'http-shared', title: 'Shared by whoever runs this server', tools: sharedHttp },
  ];
  return groups.filter((group) => group.tools.length > 0);
}

/** One name/value row of the header fields. */
export interface HeaderRow {
  name: string;
  value: string;
}

const headerNamePattern = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/;

/**
 * The header rows as the API takes them: rows left wholly empty are ignored; a name that is not an
 * HTTP header name, one given twice, or a value without a name is an error in words.
 */
export function headersFromRows(rows: readonly HeaderRow[]): { headers: Record<string, string> | undefined } | { error: string } {
  const headers: Record<string, string> = {};
  const seen = new Set<string>();
  for (const row of rows) {
    const name = row.name.trim();
    if (name === '' && row.value === '') continue;
    if (name === '') return { error: 'Each header needs a name, such as Authorization.' };
    if (!headerNamePattern.test(name)) return { error: `“${name}” is not a header name: use letters, digits and dashes, such as X-Api-Key.` };
    if (seen.has(name.toLowerCase())) return { error: `The header “${name}” is given twice.` };
    seen.add(name.toLowerCase());
    headers[name] = row.value;
  }
  if (seen.size > 20) return { error: 'At most 20 headers.' };
  return { headers: seen.size > 0 ? headers : undefined };
}

/**
 * The input schema typed into the textarea: it must be JSON, and a JSON object; a schema that says
 * its `type` must say `object`, because a tool's input is always a set of named fields.
 */
export function parseInputSchema(text: string): { schema: Record<string, unknown> } | { error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { error: `The input schema is not valid JSON: ${error instanceof Error ? error.message : 'it could not be read'}.` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { error: 'The input schema must be a JSON object, such as {"type": "object", "properties": {}}.' };
  }
  const schema = parsed as Record<string, unknown>;
  if ('type' in schema && schema['type'] !== 'object') return { error: 'The input schema must describe an object: its "type" must be "object".' };
  return { schema };
}

/** The optional body: empty is none, a JSON object is sent as a template, anything else as text. */
export function parseRequestBody(text: string): string | Record<string, unknown> | undefined {
  if (text.trim() === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // Not JSON: the body is raw text with `{name}` placeholders.
  }
  return text;
}

/** One line of a tool call's input as a card shows it. */
export interface InputLine {
  label: string;
  value: string;
}

/** The longest a single value is shown before it is cut, so one huge field cannot fill the chat. */
const longestValue = 600;

function readableValue(value: unknown): string {
  const text = typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value, null, 2);
  return text.length > longestValue ? `${text.slice(0, longestValue)}…` : text;
}

/** `noteId` → "Note id", `due_date` → "Due date": field names read as words. */
export function fieldLabel(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words === '' ? name : words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * A tool call's input as label/value lines: each field of an object on its own line (nested values as
 * indented JSON), anything else as one line. An empty object has no lines.
 */
export function describeInput(input: unknown): InputLine[] {
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
    return Object.entries(input as Record<string, unknown>).map(([name, value]) => ({ label: fieldLabel(name), value: readableValue(value) }));
  }
  if (input === undefined || input === null) return [];
  return [{ label: 'Input', value: readableValue(input) }];
}

/** How a sign-in to a tool server ended, as the server's callback tells the Tools screen (`?mcpServer=<id>&signIn=<outcome>`). */
export type SignInOutcome = 'ready' | 'failed' | 'denied';

/** Reads the address the sign-in callback sent the browser to; undefined for any other. */
export function signInReturnOf(search: string): { serverId: string; outcome: SignInOutcome } | undefined {
  const query = new URLSearchParams(search);
  const serverId = query.get('mcpServer');
  const outcome = query.get('signIn');
  if (serverId === null || serverId === '' || (outcome !== 'ready' && outcome !== 'failed' && outcome !== 'denied')) return undefined;
  return { serverId, outcome };
}

/** What the Tools screen says on coming back from a sign-in: `good` when the server is connected. */
export function signInSentence(outcome: SignInOutcome, server: Pick<McpServer, 'name' | 'reason'> | undefined): { sentence: string; good: boolean } {
  const name = server?.name ?? 'the tool server';
  if (outcome === 'ready') return { sentence: `Signed in to ${name}. Its tools are ready.`, good: true };
  if (outcome === 'denied')
    return { sentence: `Signing in to ${name} was cancelled or refused, so it is not connected. Use Sign in to try again.`, good: false };
  return { sentence: `Signed in to ${name}, but it could not connect${server?.reason ? `: ${server.reason}` : '.'}`, good: false };
}
