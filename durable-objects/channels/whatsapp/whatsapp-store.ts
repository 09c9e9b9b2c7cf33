import type { UserVault } from '../../host/user-vault.ts';

/** The person's WhatsApp link as the object keeps it: the number opened, the pending code's digest. */
export interface WhatsAppLinkState {
  status: 'pending' | 'linked';
  phoneNumber: string;
  codeDigest: string | null;
  codeExpiresAt: number | null;
  attemptsLeft: number;
  /** When the person last wrote: WhatsApp lets a business write freely for 24 hours after it. */
  lastInboundAt: number | null;
}

type LinkRow = {
  status: 'pending' | 'linked';
  phone_number_sealed: string;
  code_digest: string | null;
  code_expires_at: number | null;
  attempts_left: number;
  last_inbound_at: number | null;
};

export type InboundKind = 'text' | 'audio' | 'other';

/** A message the person sent, as kept until it has been answered. */
export interface StoredInbound {
  messageId: string;
  kind: InboundKind;
  text: string | null;
  mediaId: string | null;
  receivedAt: number;
  status: 'received' | 'answering' | 'answered';
}

export type OutboundStatus = 'sending' | 'sent' | 'delivered' | 'read' | 'failed';

/** One message Kindred sent over WhatsApp, by our id, and what became of it. */
export interface StoredOutbound {
  messageId: string;
  wamid: string | null;
  form: 'text' | 'template' | null;
  status: OutboundStatus;
  detail: string | null;
  history: Array<{ status: Exclude<OutboundStatus, 'sending'>; at: number; detail: string | null }>;
}

/** How far a message got: a report of an earlier stage arriving late never moves it back. */
const progress: Record<Exclude<OutboundStatus, 'failed'>, number> = { sending: 0, sent: 1, delivered: 2, read: 3 };

const linkNumberContext = 'whatsapp_link:1:phone_number';
const inboundTextContext = (messageId: string) => `whatsapp_inbound:${messageId}:text`;

/** The WhatsApp channel's tables in the user's object. The number and what the person wrote are sealed. */
export class WhatsAppStore {
  constructor(
    private readonly sql: SqlStorage,
    private readonly vault: UserVault,
  ) {}

  async link(): Promise<WhatsAppLinkState | undefined> {
    const row = this.sql.exec<LinkRow>('SELECT * FROM whatsapp_link WHERE id = 1').toArray()[0];
    if (!row) return undefined;
    return {
      status: row.status,
      phoneNumber: await this.vault.open(row.phone_number_sealed, linkNumberContext),
      codeDigest: row.code_digest,
      codeExpiresAt: row.code_expires_at,
      attemptsLeft: row.attempts_left,
      lastInboundAt: row.last_inbound_at,
    };
  }

  /** Cheap: whether the person is linked, without opening the number. */
  isLinked(): boolean {
    return this.sql.exec<{ linked: number }>("SELECT count(*) AS linked FROM whatsapp_link WHERE id = 1 AND status = 'linked'").one().linked > 0;
  }

  lastInboundAt(): number | null {
    return this.sql.exec<{ last_inbound_at: number | null }>('SELECT last_inbound_at FROM whatsapp_link WHERE id = 1').toArray()[0]?.last_inbound_at ?? null;
  }

  /**
   * A new pending link replaces whatever was there: linking another number unlinks the old one at once,
   * so nothing goes to a number the person is moving away from.
   */
  async startPending(phoneNumber: string, codeDigest: string, expiresAt: number, attempts: number, now: number): Promise<void> {
    const sealed = await this.vault.seal(phoneNumber, linkNumberContext);
    this.sql.exec(
      `INSERT INTO whatsapp_link (id, status, phone_number_sealed, code_digest, code_expires_at, attempts_left, last_inbound_at, updated_at)
       VALUES (1, 'pending', ?, ?, ?, ?, NULL, ?)
       ON CONFLICT (id) DO UPDATE SET status = 'pending', phone_number_sealed = excluded.phone_number_sealed, code_digest = excluded.code_digest,
         code_expires_at = excluded.code_expires_at, attempts_left = excluded.attempts_left, last_inbound_at = NULL, updated_at = excluded.updated_at`,
      sealed,
      codeDigest,
      expiresAt,
      attempts,
      now,
    );
  }

  /** Counts a wrong code; answers how many tries are left. */
  spendAttempt(now: number): number {
    this.sql.exec("UPDATE whatsapp_link SET attempts_left = attempts_left - 1, updated_at = ? WHERE id = 1 AND status = 'pending'", now);
    return this.sql.exec<{ attempts_left: number }>('SELECT attempts_left FROM whatsapp_link WHERE id = 1').toArray()[0]?.attempts_left ?? 0;
  }

  markLinked(now: number): void {
    this.sql.exec(
      "UPDATE whatsapp_link SET status = 'linked', code_digest = NULL, code_expires_at = NULL, attempts_left = 0, updated_at = ? WHERE id = 1",
      now,
    );
  }

  /** Forgets the link (and the window with it). Sent messages stay, for the outreach log. */
  unlink(): void {
    this.sql.exec('DELETE FROM whatsapp_link WHERE id = 1');
  }

  /** The person wrote at `at`: the 24-hour window runs from the latest such time. */
  noteInbound(at: number): void {
    this.sql.exec('UPDATE whatsapp_link SET last_inbound_at = max(coalesce(last_inbound_at, 0), ?) WHERE id = 1', at);
  }

  /** Stores a message the person sent, once: answers false for a message id already seen (Meta retries webhooks). */
  async recordInbound(message: { messageId: string; kind: InboundKind; text: string | null; mediaId: string | null; receivedAt: number }): Promise<boolean> {
    const seen = this.sql.exec<{ seen: number }>('SELECT count(*) AS seen FROM whatsapp_inbound WHERE message_id = ?', message.messageId).one().seen > 0;
    if (seen) return false;
    const sealed = message.text === null ? null : await this.vault.seal(message.text, inboundTextContext(message.messageId));
    // Sealing awaited: a retry delivered at the same moment may have stored it meanwhile.
    return (
      this.sql.exec(
        `INSERT INTO whatsapp_inbound (message_id, kind, text_sealed, media_id, received_at, status) VALUES (?, ?, ?, ?, ?, 'received')
         ON CONFLICT (message_id) DO NOTHING`,
        message.messageId,
        message.kind,
        sealed,
        message.mediaId,
        message.receivedAt,
      ).rowsWritten > 0
    );
  }

  /**
   * Takes a received message for answering: only one run ever gets it, so a job that runs again never
   * asks the companion twice (a reply lost to a crash mid-turn is the price of never doubling one).
   */
  async claimInbound(messageId: string): Promise<StoredInbound | undefined> {
    const claimed = this.sql.exec("UPDATE whatsapp_inbound SET status = 'answering' WHERE message_id = ? AND status = 'received'", messageId).rowsWritten > 0;
    if (!claimed) return undefined;
    const row = this.sql
      .exec<{ message_id: string; kind: InboundKind; text_sealed: string | null; media_id: string | null; received_at: number }>(
        'SELECT message_id, kind, text_sealed, media_id, received_at FROM whatsapp_inbound WHERE message_id = ?',
        messageId,
      )
      .one();
    return {
      messageId: row.message_id,
      kind: row.kind,
      text: await this.vault.openOptional(row.text_sealed, inboundTextContext(row.message_id)),
      mediaId: row.media_id,
      receivedAt: row.received_at,
      status: 'answering',
    };
  }

  /** Answered: the words now live in the conversation, so this copy of them goes. The id stays, to recognise retries. */
  finishInbound(messageId: string): void {
    this.sql.exec("UPDATE whatsapp_inbound SET status = 'answered', text_sealed = NULL, media_id = NULL WHERE message_id = ?", messageId);
  }

  outbound(messageId: string): StoredOutbound | undefined {
    const row = this.sql
      .exec<{ message_id: string; wamid: string | null; form: 'text' | 'template' | null; status: OutboundStatus; detail: string | null }>(
        'SELECT message_id, wamid, form, status, detail FROM whatsapp_outbound WHERE message_id = ?',
        messageId,
      )
      .toArray()[0];
    if (!row) return undefined;
    const history = this.sql
      .exec<{ status: Exclude<OutboundStatus, 'sending'>; at: number; detail: string | null }>(
        'SELECT status, at, detail FROM whatsapp_outbound_statuses WHERE message_id = ? ORDER BY at, rowid',
        messageId,
      )
      .toArray();
    return { messageId: row.message_id, wamid: row.wamid, form: row.form, status: row.status, detail: row.detail, history };
  }

  /**
   * Claims our message id for one send: false when it was sent already or another send of it is on
   * its way. A message whose last attempt failed may be claimed again.
   */
  claimOutbound(messageId: string, now: number): boolean {
    this.sql.exec(
      "INSERT INTO whatsapp_outbound (message_id, status, created_at, updated_at) VALUES (?, 'failed', ?, ?) ON CONFLICT (message_id) DO NOTHING",
      messageId,
      now,
      now,
    );
    return (
      this.sql.exec(
        "UPDATE whatsapp_outbound SET status = 'sending', updated_at = ? WHERE message_id = ? AND status = 'failed' AND wamid IS NULL",
        now,
        messageId,
      ).rowsWritten > 0
    );
  }

  recordSent(messageId: string, wamid: string, form: 'text' | 'template', now: number): void {
    this.sql.exec(
      "UPDATE whatsapp_outbound SET status = 'sent', wamid = ?, form = ?, detail = NULL, updated_at = ? WHERE message_id = ?",
      wamid,
      form,
      now,
      messageId,
    );
    this.sql.exec("INSERT INTO whatsapp_outbound_statuses (message_id, status, at) VALUES (?, 'sent', ?) ON CONFLICT DO NOTHING", messageId, now);
  }

  recordSendFailed(messageId: string, reason: string, now: number): void {
    this.sql.exec("UPDATE whatsapp_outbound SET status = 'failed', detail = ?, updated_at = ? WHERE message_id = ?", reason, now, messageId);
  }

  /**
   * A status webhook: kept in the history once per status (Meta repeats them), and the current status
   * only moves forward, except to `failed`, which WhatsApp may report after `sent`. Answers whether
   * the wamid was one of ours.
   */
  recordStatus(wamid: string, status: Exclude<OutboundStatus, 'sending'>, at: number, detail: string | null): boolean {
    const row = this.sql
      .exec<{ message_id: string; status: OutboundStatus }>('SELECT message_id, status FROM whatsapp_outbound WHERE wamid = ?', wamid)
      .toArray()[0];
    if (!row) return false;
    this.sql.exec(
      'INSERT INTO whatsapp_outbound_statuses (message_id, status, at, detail) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      row.message_id,
      status,
      at,
      detail,
    );
    const moves = status === 'failed' ? row.status !== 'read' : row.status !== 'failed' && progress[status] > progress[row.status];
    if (moves) this.sql.exec('UPDATE whatsapp_outbound SET status = ?, detail = ?, updated_at = ? WHERE message_id = ?', status, detail, at, row.message_id);
    return true;
  }
}
