import { createContext, useContext, useState, useSyncExternalStore, type ReactNode } from 'react';

/** The trace id of the last response from the gateway, written by the GraphQL client and read by the footer. */
export interface LastTraceStore {
  get(): string | null;
  set(traceId: string): void;
  subscribe(listener: () => void): () => void;
}

/** A store outside React state, since the GraphQL client that writes it is not a component. */
export function createLastTraceStore(): LastTraceStore {
  let last: string | null = null;
  const listeners = new Set<() => void>();
  return {
    get: () => last,
    set(traceId) {
      if (traceId === last) return;
      last = traceId;
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

const LastTraceContext = createContext<LastTraceStore | null>(null);

/** Keeps the last trace id for the whole tab, across the GraphQL clients made at each log-in and log-out. */
export function LastTraceProvider({ children }: { children: ReactNode }) {
  const [store] = useState(createLastTraceStore);
  return <LastTraceContext.Provider value={store}>{children}</LastTraceContext.Provider>;
}

export function useLastTraceStore(): LastTraceStore {
  const store = useContext(LastTraceContext);
  if (!store) throw new Error('useLastTraceStore must be used inside <LastTraceProvider>');
  return store;
}

/** The trace id of the last response from the gateway, or null before the first one; re-renders on each new one. */
export function useLastTraceId(): string | null {
  const store = useLastTraceStore();
  return useSyncExternalStore(store.subscribe, store.get);
}
