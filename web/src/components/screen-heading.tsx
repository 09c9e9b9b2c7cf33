import { useEffect, useRef } from 'react';

/**
 * A screen's main heading. It takes focus when the screen opens, so a screen reader announces
 * the new screen and keyboard users start from the top of it, as after a page load.
 */
export function ScreenHeading({ children, className }: { children: string; className?: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${children} · Kindred`;
    heading.current?.focus({ preventScroll: true });
  }, [children]);
  return (
    <h1 ref={heading} tabIndex={-1} className={className}>
      {children}
    </h1>
  );
}
