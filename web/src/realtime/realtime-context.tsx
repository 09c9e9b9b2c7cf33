// The shared realtime connection, handed to the screens through context.
import { createContext, useContext, useEffect, useRef } from 'react';
import type { ServerFrame } from '../../../common/client.ts';
import type { RealtimeHub } from './realtime-hub.ts';

export const RealtimeContext = createContext<RealtimeHub | undefined>(undefined);

export function useRealtime(): RealtimeHub {
  const hub = useContext(RealtimeContext);
  if (hub === undefined) throw new Error('useRealtime is used outside a signed-in screen.');
  return hub;
}

/** Calls `listener` with every frame while the component is on screen; the newest `listener` is always the one called. */
export function useRealtimeFrames(listener: (frame: ServerFrame) => void): void {
  const hub = useRealtime();
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => hub.listen((frame) => latest.current(frame)), [hub]);
}
