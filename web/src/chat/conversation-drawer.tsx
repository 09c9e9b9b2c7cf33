// The conversations on a phone: a modal drawer from the left, built on the native <dialog>, so focus
// moves into it and stays there, Escape closes it and the chat behind is inert while it is open.
import { type ReactNode, useEffect, useRef } from 'react';
import { Icon } from '../components/icons.tsx';

interface ConversationDrawerProps {
  open: boolean;
  onClose(): void;
  children: ReactNode;
}

export function ConversationDrawer({ open, onClose, children }: ConversationDrawerProps) {
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) {
      element.showModal();
      // Start from the drawer's title, as on a new page, rather than with a ring on its close button.
      element.querySelector<HTMLElement>('#conversation-drawer-heading')?.focus();
    }
    if (!open && element.open) element.close();
  }, [open]);

  // The drawer exists only for narrow screens: widening the window shows the sidebar instead.
  useEffect(() => {
    const wide = window.matchMedia('(min-width: 801px)');
    const closeWhenWide = () => {
      if (wide.matches) onClose();
    };
    wide.addEventListener('change', closeWhenWide);
    return () => wide.removeEventListener('change', closeWhenWide);
  }, [onClose]);

  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: a click on the backdrop closes the drawer; Escape, its keyboard equivalent, is the dialog's own.
    <dialog
      ref={dialog}
      className="conversation-drawer"
      aria-labelledby="conversation-drawer-heading"
      onClose={onClose}
      onClick={(event) => {
        // The dialog element itself is only hit outside its panel, on the backdrop.
        if (event.target === event.currentTarget) onClose();
      }}
    >
      <div className="drawer-panel">
        <div className="drawer-header">
          <h2 id="conversation-drawer-heading" tabIndex={-1}>
            Conversations
          </h2>
          <button type="button" className="icon-button" aria-label="Close conversations" onClick={onClose}>
            <Icon name="close" />
          </button>
        </div>
        {children}
      </div>
    </dialog>
  );
}
