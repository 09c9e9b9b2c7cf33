// What the companion says unasked while the app is open (a reminder come due, a check-in, an event
// coming up) appears at once as a note at the bottom of whichever screen is open, besides joining
// the conversation. Notes stay until dismissed: nobody should miss a reminder for reading slowly.
// A tool call waiting for the person's answer is noted the same way away from the chat (where its
// card is), until it is answered or expires.
import { useState } from 'react';
import { Link } from '../router.tsx';
import { outreachKindLabels } from '../today/today-format.ts';
import { useRealtimeFrames } from './realtime-context.tsx';
import { alertOf, type ProactiveAlert, settledAlertId } from './unasked-frames.ts';
import './proactive-alerts.css';

/** The most notes shown at once; older ones are in the conversation. */
const maxShown = 3;

const alertLabels: Record<ProactiveAlert['kind'], string> = { ...outreachKindLabels, 'tool-approval': 'Waiting for your answer' };

export function ProactiveAlerts({ path }: { path: string }) {
  const [alerts, setAlerts] = useState<ProactiveAlert[]>([]);
  useRealtimeFrames((frame) => {
    const settled = settledAlertId(frame);
    if (settled !== undefined) return setAlerts((previous) => previous.filter((alert) => alert.id !== settled));
    const alert = alertOf(frame);
    if (alert === undefined) return;
    setAlerts((previous) => (previous.some((shown) => shown.id === alert.id) ? previous : [...previous, alert].slice(-maxShown)));
  });
  const dismiss = (id: string) => setAlerts((previous) => previous.filter((alert) => alert.id !== id));

  return (
    <div className="proactive-alerts" role="status" aria-live="polite" data-testid="proactive-alerts">
      {/* In the chat a waiting tool call has its card; the note is for the other screens. */}
      {alerts
        .filter((alert) => alert.kind !== 'tool-approval' || !path.startsWith('/chat'))
        .map((alert) => {
          const chatPath = alert.conversationId ? `/chat/${encodeURIComponent(alert.conversationId)}` : '/chat';
          return (
            <div key={alert.id} className="proactive-alert">
              <p className="proactive-alert-text">
                <strong>{alertLabels[alert.kind]}:</strong> {alert.text}
              </p>
              {path !== chatPath && (
                <Link href={chatPath} className="proactive-alert-open" onClick={() => dismiss(alert.id)}>
                  Open chat
                </Link>
              )}
              <button type="button" className="proactive-alert-close" aria-label={`Dismiss: ${alert.text}`} onClick={() => dismiss(alert.id)}>
                <span aria-hidden="true">×</span>
              </button>
            </div>
          );
        })}
    </div>
  );
}
