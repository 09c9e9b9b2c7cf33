import type { SearchResult } from '../../common/protocol.ts';
import type { CompanionServices } from '../companion/companion-services.ts';
import type { RetrievalKind } from '../retrieval/retrieval-index.ts';

/**
 * One search over everything the user has: memories, conversation turns and file chunks, ranked
 * by the hybrid retriever, then opened (decrypted) only for the results that are returned.
 */
export async function searchUserData(
  services: CompanionServices,
  query: string,
  options: { limit: number; kinds?: readonly RetrievalKind[]; now: number },
): Promise<SearchResult[]> {
  const results = await services.retriever().search(query, options);
  const sourcesOf = (kind: RetrievalKind) => results.filter((result) => result.kind === kind);
  const [memories, turns, chunks] = await Promise.all([
    services.memories.getMany(sourcesOf('memory').map((result) => result.sourceId)),
    services.conversations.getMessages(sourcesOf('turn').map((result) => result.sourceId)),
    services.fileChunks.texts(sourcesOf('file-chunk').map((result) => result.id)),
  ]);
  const memoriesById = new Map(memories.map((memory) => [memory.id, memory]));
  const found: SearchResult[] = [];
  for (const result of results) {
    const base = { kind: result.kind, id: result.id, sourceId: result.sourceId, score: result.score, createdAt: new Date(result.createdAt).toISOString() };
    if (result.kind === 'memory') {
      const memory = memoriesById.get(result.sourceId);
      if (memory) found.push({ ...base, text: memory.text });
    } else if (result.kind === 'turn') {
      const turn = turns.get(result.sourceId);
      if (turn)
        found.push({ ...base, text: turn.speaker ? `${turn.speaker}: ${turn.text}` : turn.text, ...(turn.externalId ? { externalId: turn.externalId } : {}) });
    } else {
      const chunk = chunks.get(result.id);
      if (chunk) found.push({ ...base, text: chunk.text });
    }
  }
  return found;
}
