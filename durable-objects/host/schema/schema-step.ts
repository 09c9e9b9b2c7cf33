/**
 * One step of the companion object's SQLite schema. Steps are numbered, written out in full and never
 * edited once landed: an object created at any version upgrades by running the steps after it, so a
 * step that changed after landing would leave old and new objects with different schemas. A table's
 * shape is changed by a new step (an `ALTER`, or a rebuild), never by editing an old one.
 *
 * Statements are repeat-safe (`IF NOT EXISTS`), because a step interrupted between two statements
 * runs again from its start.
 */
export interface SchemaStep {
  /** Position in the one sequence all capabilities share: 1, 2, 3, … with no gaps. */
  version: number;
  /** What the step adds, for whoever reads the history. */
  description: string;
  statements: readonly string[];
}
