import type { SchemaStep } from '../host/schema/schema-step.ts';

/** The retrieval capability's schema steps (its first tables are in the frozen step 2). Never edit a landed step; add one. */
export const retrievalSchemaSteps: readonly SchemaStep[] = [
  {
    version: 3,
    description: 'document counts of every blind term, read from FTS5 itself',
    // fts5vocab reads the index's own statistics: how many documents hold each term, in one lookup
    // for all of a query's terms. It stores nothing of its own.
    statements: [`CREATE VIRTUAL TABLE IF NOT EXISTS retrieval_term_counts USING fts5vocab(retrieval_terms, 'row')`],
  },
];
