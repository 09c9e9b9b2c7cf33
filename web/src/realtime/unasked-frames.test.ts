import { describe, expect, it } from 'vitest';
import type { Message, ToolApproval } from '../../../common/client.ts';
import { alertOf, settledAlertId } from './unasked-frames.ts';

const stored: Message = {
  id: 'message_9',
  conversationId: 'conversation_3',
  role: 'assistant',
  text: 'It is time to call Sam.',
  status: 'complete',
  errorId: null,
  tools: [],
  memoryIds: [],
  createdAt: '2026-12-01T09:00:00Z',
  proactive: 'reminder',
};

describe('notes for what the companion says unasked', () => {
  it('reads a reminder come due, with the conversation it was left in', () => {
    expect(alertOf({ type: 'reminder-due', reminder: { id: 'reminder_1', text: 'Call Sam', dueAt: '2026-12-01T09:00:00Z' }, message: stored })).toEqual({
      id: 'reminder-reminder_1',
      kind: 'reminder',
      text: 'Call Sam',
      conversationId: 'conversation_3',
    });
  });

  it('reads a check-in with its kind and words', () => {
    const frame = {
      type: 'notification' as const,
      notification: { id: 'message_10', kind: 'check-in' as const, title: 'Juniper', text: 'How was your day?', conversationId: 'conversation_3' },
    };
    expect(alertOf(frame)).toEqual({ id: 'notification-message_10', kind: 'check-in', text: 'How was your day?', conversationId: 'conversation_3' });
  });

  it('ignores the frames of an ordinary reply', () => {
    expect(alertOf({ type: 'text-delta', messageId: 'message_11', text: 'Hi' })).toBeUndefined();
    expect(alertOf({ type: 'pong' })).toBeUndefined();
  });

  it('notes a tool call waiting for an answer until it is answered or expires', () => {
    const approval: ToolApproval = {
      id: 'approval_1',
      toolId: 'tool_1',
      toolName: 'notes__delete_note',
      toolTitle: 'Delete a note',
      input: { noteId: 'note_1' },
      reason: 'Deletes one of your notes',
      risk: 'act',
      status: 'pending',
      conversationId: 'conversation_3',
      messageId: 'message_12',
      createdAt: '2026-12-01T09:00:00Z',
      expiresAt: '2026-12-01T09:10:00Z',
      answeredAt: null,
    };
    const request = {
      type: 'tool-approval-request' as const,
      approvalId: 'approval_1',
      toolName: approval.toolName,
      input: approval.input,
      reason: approval.reason,
      messageId: 'message_12',
      approval,
    };
    expect(alertOf(request)).toEqual({
      id: 'approval-approval_1',
      kind: 'tool-approval',
      text: 'Delete a note: Deletes one of your notes',
      conversationId: 'conversation_3',
    });
    expect(settledAlertId({ type: 'tool-approval-resolved', approval: { ...approval, status: 'expired' } })).toBe('approval-approval_1');
    expect(settledAlertId(request)).toBeUndefined();
  });
});
