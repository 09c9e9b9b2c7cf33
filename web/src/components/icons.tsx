// The app's few icons, drawn inline so they follow the text colour and need no request. Each is
// decorative: the control it sits in carries the accessible name.
import type { ReactNode } from 'react';

export type IconName =
  | 'chat'
  | 'today'
  | 'life'
  | 'memories'
  | 'files'
  | 'settings'
  | 'menu'
  | 'new-conversation'
  | 'send'
  | 'play'
  | 'close'
  | 'retry'
  | 'back'
  | 'microphone';

const paths: Record<IconName, ReactNode> = {
  chat: <path d="M20 11.5a7.5 7.5 0 0 1-10.9 6.7L4 19.5l1.3-4.6A7.5 7.5 0 1 1 20 11.5Z" />,
  today: (
    <>
      <rect x="4" y="5" width="16" height="15" rx="2" />
      <path d="M4 10h16M8.5 3v4M15.5 3v4M8.5 14h3" />
    </>
  ),
  // A sprout: something growing, for moods, goals and habits.
  life: (
    <>
      <path d="M12 21v-9" />
      <path d="M12 12c0-4-3-6.5-7.5-6.5 0 4.2 3 6.5 7.5 6.5Z" />
      <path d="M12 14.5c0-3.6 2.6-6 6.8-6 0 3.8-2.7 6-6.8 6Z" />
    </>
  ),
  memories: (
    <>
      <path d="M12 3.5a5.5 5.5 0 0 0-3.2 10c.5.4.8 1 .8 1.6V16h4.8v-.9c0-.6.3-1.2.8-1.6A5.5 5.5 0 0 0 12 3.5Z" />
      <path d="M9.8 19h4.4M10.6 21.5h2.8" />
    </>
  ),
  files: (
    <>
      <path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8Z" />
      <path d="M14 3v5h5M9 13h6M9 17h4" />
    </>
  ),
  settings: (
    <>
      <path d="M4 7h9M17 7h3M4 17h3M11 17h9" />
      <circle cx="15" cy="7" r="2.2" />
      <circle cx="9" cy="17" r="2.2" />
    </>
  ),
  menu: <path d="M4 7h16M4 12h16M4 17h10" />,
  'new-conversation': <path d="M12 5v14M5 12h14" />,
  send: <path d="M12 19V5M5.5 11.5 12 5l6.5 6.5" />,
  play: <path d="M8 5.5v13l10.5-6.5Z" fill="currentColor" />,
  close: <path d="M6 6l12 12M18 6 6 18" />,
  microphone: (
    <>
      <rect x="9" y="3" width="6" height="11" rx="3" />
      <path d="M5.5 11a6.5 6.5 0 0 0 13 0M12 17.5V21M8.5 21h7" />
    </>
  ),
  retry: (
    <>
      <path d="M4.5 12a7.5 7.5 0 1 0 2.2-5.3" />
      <path d="M4.5 4v4.5H9" />
    </>
  ),
  back: <path d="M15 5l-7 7 7 7" />,
};

export function Icon({ name, className }: { name: IconName; className?: string }) {
  return (
    <svg
      className={className ? `icon ${className}` : 'icon'}
      viewBox="0 0 24 24"
      width="24"
      height="24"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.9"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {paths[name]}
    </svg>
  );
}
