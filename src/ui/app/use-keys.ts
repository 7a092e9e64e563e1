import type { Key } from 'ink';
import { createContext, useContext, useLayoutEffect } from 'react';

export type KeyHandler = (input: string, key: Key) => void;

/** Where the picker's one input subscription forwards keys: the active view's handler. */
export const KeysContext = createContext<{ current: KeyHandler | undefined }>({ current: undefined });

/**
 * Makes `handler` receive the keys while `active`. ink's useInput subscribes in a passive
 * effect, so a key typed right after a view switch could reach no view at all; the picker
 * therefore keeps one subscription and views claim it here, synchronously in the commit.
 */
export function useKeys(handler: KeyHandler, active = true): void {
  const target = useContext(KeysContext);
  useLayoutEffect(() => {
    if (!active) return;
    target.current = handler;
    return () => {
      if (target.current === handler) target.current = undefined;
    };
  });
}
