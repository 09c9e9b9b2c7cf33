// Rows that wait for the person's answer until they expire (confirmations, tool approvals). Each
// capability keeps its own table, with the columns `id`, `status` ('pending' until answered or
// expired), `created_at`, `expires_at` and `answered_at`; how such a row is claimed by one answer,
// filtered by status and read as expired once its time is up is the same for all, and lives here.
// `table` is always a constant of the calling store, never anything a person typed.

/**
 * Moves a pending row that has not expired to `status`, in one statement: of two answers racing (two
 * devices, a frame and a POST), exactly one finds it pending. Answers whether this call was the one.
 */
export function claimPending(sql: SqlStorage, table: string, id: string, status: string, now: number): boolean {
  // RETURNING, not rowsWritten: the count includes the index rows the update rewrites.
  return (
    sql
      .exec(`UPDATE ${table} SET status = ?, answered_at = ? WHERE id = ? AND status = 'pending' AND expires_at > ? RETURNING id`, status, now, id, now)
      .toArray().length === 1
  );
}

/**
 * The WHERE clause (empty for every status) and its values that list rows of one status. A pending
 * row past its expiry counts as expired: the filter says so in SQL, so a LIMIT applies to what is answered.
 */
export function statusFilter(status: string | undefined, now: number): { where: string; values: (string | number)[] } {
  if (status === undefined) return { where: '', values: [] };
  if (status === 'pending') return { where: "WHERE status = 'pending' AND expires_at > ?", values: [now] };
  if (status === 'expired') return { where: "WHERE status = 'expired' OR (status = 'pending' AND expires_at <= ?)", values: [now] };
  return { where: 'WHERE status = ?', values: [status] };
}

/** A row's status as the person sees it at `now`: pending past its expiry is expired, even before its expiry job has run. */
export function statusAt<Status extends string>(row: { status: Status; expires_at: number }, now: number): Status | 'expired' {
  return row.status === 'pending' && row.expires_at <= now ? 'expired' : row.status;
}

/** Every row's id, oldest first: for the export. */
export function idsOldestFirst(sql: SqlStorage, table: string): string[] {
  return sql
    .exec<{ id: string }>(`SELECT id FROM ${table} ORDER BY created_at, id`)
    .toArray()
    .map((row) => row.id);
}
