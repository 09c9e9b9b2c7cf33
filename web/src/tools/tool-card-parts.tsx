// What the card of a tool server and the card of an HTTP tool both show: the names of the headers
// kept for it (never their values), and a Remove button that asks first.
import { type ReactNode, useState } from 'react';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';

/** The names of the headers sent with it, when there are any; their values stay sealed and unshown. */
export function SealedHeaderNames({ names }: { names: readonly string[] }) {
  if (names.length === 0) return null;
  return <p className="settings-muted">Sent with the headers {names.join(', ')} (values kept sealed).</p>;
}

interface RemoveButtonProps {
  /** What is removed, as the person knows it. */
  name: string;
  disabled: boolean;
  /** What removing it does, said in the dialog that asks. */
  consequence: ReactNode;
  /** Called once the person has confirmed. */
  onRemove(): void;
}

export function RemoveButton({ name, disabled, consequence, onRemove }: RemoveButtonProps) {
  const [confirming, setConfirming] = useState(false);
  return (
    <>
      <button type="button" className="quiet-button destructive" disabled={disabled} onClick={() => setConfirming(true)}>
        Remove<span className="visually-hidden"> {name}</span>
      </button>
      <ConfirmDialog
        open={confirming}
        title={`Remove ${name}?`}
        confirmLabel="Remove"
        destructive
        onConfirm={() => {
          setConfirming(false);
          onRemove();
        }}
        onCancel={() => setConfirming(false)}
      >
        {consequence}
      </ConfirmDialog>
    </>
  );
}
