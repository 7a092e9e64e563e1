import { useRef } from 'react';

/**
 * A ref holding the newest value: key handlers read it instead of their render's props, so
 * keys arriving faster than React re-renders (key repeat, quick typing) build on each other.
 * Handlers that change the value write the ref too, before the re-render catches up.
 */
export function useLatest<T>(value: T): { current: T } {
  const ref = useRef(value);
  ref.current = value;
  return ref;
}
