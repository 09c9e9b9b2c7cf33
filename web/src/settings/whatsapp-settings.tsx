// WhatsApp: link the person's number (a code goes to it over WhatsApp and is typed in here), see
// which number is linked (masked), and unlink it. Once linked, writing to Kindred's WhatsApp number
// is talking with the companion, and reminders and check-ins can arrive there.
import { type FormEvent, useEffect, useState } from 'react';
import type { WhatsAppLink } from '../../../common/outreach.ts';
import { api } from '../api.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { useSession } from '../session.tsx';

export function WhatsAppSettings() {
  const { companion } = useSession();
  const [link, setLink] = useState<WhatsAppLink>();
  const [phoneNumber, setPhoneNumber] = useState('');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState('');

  useEffect(() => {
    api.whatsAppLink().then(setLink, setError);
  }, []);

  /** Runs one change, showing its error in place; the answer is the new link. */
  const change = async (work: () => Promise<WhatsAppLink | undefined>, done: string) => {
    setBusy(true);
    setError(undefined);
    setStatus('');
    try {
      const next = await work();
      setLink(next ?? { status: 'unlinked', available: link?.available ?? true });
      setStatus(done);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const sendCode = (event: FormEvent) => {
    event.preventDefault();
    setCode('');
    void change(() => api.linkWhatsApp(phoneNumber.trim()), 'A code is on its way to you on WhatsApp.');
  };
  const confirm = (event: FormEvent) => {
    event.preventDefault();
    void change(() => api.confirmWhatsApp(code.trim()), 'Linked.');
  };
  const unlink = () =>
    void change(async () => {
      await api.unlinkWhatsApp();
      return undefined;
    }, 'Unlinked.');

  if (link === undefined) {
    return error ? <ErrorAlert error={error} /> : <p className="settings-muted">Loading…</p>;
  }
  if (!link.available && link.status === 'unlinked') {
    return <p className="settings-intro">WhatsApp is not set up on this server.</p>;
  }

  return (
    <>
      <p className="settings-intro">
        Talk with {companion.name} on WhatsApp, and get reminders and check-ins there. Messages you send on WhatsApp join your conversation here.
      </p>
      {link.status === 'linked' ? (
        <div className="actions">
          <span>
            Linked to <strong>{link.phoneNumber}</strong>
          </span>
          <button type="button" className="button secondary" disabled={busy} onClick={unlink}>
            Unlink
          </button>
        </div>
      ) : (
        <form onSubmit={sendCode}>
          <div className="field">
            <label htmlFor="whatsapp-number">Your WhatsApp number</label>
            <input
              id="whatsapp-number"
              type="tel"
              inputMode="tel"
              autoComplete="tel"
              placeholder="+44 7700 900123"
              value={phoneNumber}
              aria-describedby="whatsapp-number-hint"
              onChange={(event) => setPhoneNumber(event.target.value)}
            />
            <p id="whatsapp-number-hint" className="settings-muted">
              With its country code. We send a six-digit code there to check it is yours.
            </p>
          </div>
          <div className="actions">
            <button type="submit" className="button primary" disabled={busy || phoneNumber.trim() === ''}>
              {link.status === 'pending' ? 'Send a new code' : 'Send code'}
            </button>
          </div>
        </form>
      )}
      {link.status === 'pending' && (
        <form onSubmit={confirm}>
          <div className="field">
            <label htmlFor="whatsapp-code">Code sent to {link.phoneNumber}</label>
            <input
              id="whatsapp-code"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="\d{6}"
              maxLength={6}
              value={code}
              onChange={(event) => setCode(event.target.value)}
            />
          </div>
          <div className="actions">
            <button type="submit" className="button primary" disabled={busy || !/^\d{6}$/.test(code.trim())}>
              Link
            </button>
          </div>
        </form>
      )}
      <ErrorAlert error={error} />
      <p role="status" className="settings-status">
        {status}
      </p>
    </>
  );
}
