import type { SchemaStep } from './schema-step.ts';

/**
 * Frozen. Long-term memory: memories and the extraction cursor, the blind index (FTS5), local vectors,
 * files and their versions, and file chunks.
 *
 * On the blind index: `sequence` is the documents' integer key and the FTS5 rowid, an explicit
 * INTEGER PRIMARY KEY because SQLite may renumber implicit rowids on VACUUM, which would detach
 * documents from their terms; `detail = column` keeps per-column positions for `bm25()` weights while
 * storing less than full detail; column sizes are kept so BM25's length normalisation does not
 * re-read rows; the `ascii` tokenizer suits content that is hex terms and spaces. The trigger
 * removes a document's terms in the statement that removes the document. Vectors are Float32
 * BLOBs (Vectorize's own precision), so a cosine is a dot product read off the bytes.
 */
export const longTermMemoryStep: SchemaStep = {
  version: 2,
  description: 'memories, extraction cursors, blind index, local vectors, files, file chunks',
  statements: [
    `CREATE TABLE IF NOT EXISTS memories (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('fact', 'preference', 'person', 'event', 'goal')),
    text_sealed TEXT NOT NULL,
    importance REAL NOT NULL,
    source_message_ids TEXT NOT NULL,
    event_date TEXT,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    valid_from INTEGER NOT NULL,
    valid_to INTEGER,
    superseded_by TEXT
  )`,
    'CREATE INDEX IF NOT EXISTS memories_active ON memories (valid_to, created_at DESC)',
    `CREATE TABLE IF NOT EXISTS memory_extraction_cursors (
    conversation_id TEXT PRIMARY KEY,
    through_sequence INTEGER NOT NULL DEFAULT 0,
    schedule_id TEXT
  )`,
    `CREATE TABLE IF NOT EXISTS retrieval_documents (
    sequence INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('memory', 'turn', 'file-chunk')),
    source_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    importance REAL NOT NULL DEFAULT 0.5,
    valid_to INTEGER,
    token_count INTEGER NOT NULL,
    vector_model TEXT
  )`,
    'CREATE INDEX IF NOT EXISTS retrieval_documents_source ON retrieval_documents (source_id)',
    `CREATE VIRTUAL TABLE IF NOT EXISTS retrieval_terms USING fts5 (own, context, detail = column, tokenize = 'ascii')`,
    `CREATE TRIGGER IF NOT EXISTS retrieval_documents_terms_removed AFTER DELETE ON retrieval_documents BEGIN
    DELETE FROM retrieval_terms WHERE rowid = old.sequence;
  END`,
    `CREATE TABLE IF NOT EXISTS retrieval_vectors (
    id TEXT PRIMARY KEY,
    dimensions INTEGER NOT NULL,
    vector BLOB NOT NULL,
    metadata TEXT
  )`,
    `CREATE TABLE IF NOT EXISTS files (
    path_hash TEXT PRIMARY KEY,
    path_sealed TEXT NOT NULL,
    current_version TEXT NOT NULL,
    size INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  )`,
    `CREATE TABLE IF NOT EXISTS file_versions (
    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
    path_hash TEXT NOT NULL,
    version_id TEXT NOT NULL,
    size INTEGER NOT NULL,
    author TEXT NOT NULL CHECK (author IN ('user', 'companion')),
    created_at INTEGER NOT NULL,
    UNIQUE (path_hash, version_id)
  )`,
    `CREATE INDEX IF NOT EXISTS file_versions_by_file ON file_versions (path_hash, sequence DESC)`,
    `CREATE TABLE IF NOT EXISTS file_chunks (
    id TEXT PRIMARY KEY,
    path_hash TEXT NOT NULL,
    text_sealed TEXT NOT NULL
  )`,
    'CREATE INDEX IF NOT EXISTS file_chunks_by_file ON file_chunks (path_hash)',
  ],
};
