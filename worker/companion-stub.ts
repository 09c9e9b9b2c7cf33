import { getAgentByName } from 'agents';
import type { CompanionAgent } from '../durable-objects/companion-agent.ts';
import type { Env } from '../server/env.ts';

/**
 * The object's RPC surface as the Worker calls it. The stub's own mapped RPC types recurse without
 * end over JSON values (tool inputs and outputs), so we name the methods from the class instead:
 * RPC hands back structured clones of exactly these shapes.
 */
export type CompanionRpc = Pick<
  CompanionAgent,
  | 'updateProfile'
  | 'getProfile'
  | 'getCompanion'
  | 'updateCompanion'
  | 'createConversation'
  | 'listConversations'
  | 'listMessages'
  | 'sendMessage'
  | 'streamMessage'
  | 'listTools'
  | 'setToolEnabled'
  | 'importConversation'
  | 'listMemories'
  | 'createMemory'
  | 'updateMemory'
  | 'deleteMemory'
  | 'search'
  | 'recall'
  | 'listFiles'
  | 'readFile'
  | 'writeFile'
  | 'deleteFile'
  | 'fileVersions'
  | 'readFileVersion'
  | 'exportData'
  | 'destroyUserData'
  | 'fetch'
>;

/** The user's own companion object. Only ever called with an id the Worker authenticated. */
export async function companionOf(env: Env, userId: string): Promise<CompanionRpc> {
  return (await getAgentByName<Env, CompanionAgent>(env.COMPANION as unknown as DurableObjectNamespace<CompanionAgent>, userId)) as unknown as CompanionRpc;
}
