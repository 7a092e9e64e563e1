import { createContext, useContext } from 'react';

/** What a piece of text means; the theme turns it into a colour, or into nothing under NO_COLOR. */
export type Tone = 'accent' | 'ok' | 'warn' | 'error' | 'muted' | 'running' | 'selected';

export interface Theme {
  /** NO_COLOR is set: no colour and no other styling, only characters. */
  noColor: boolean;
}

const COLORS: Record<Tone, string | undefined> = {
  accent: 'cyan',
  ok: 'green',
  warn: 'yellow',
  error: 'red',
  muted: undefined,
  running: 'cyan',
  selected: 'cyan',
};

/** The colour for a tone; `muted` is dim text rather than a colour. */
export function toneColor(tone: Tone): string | undefined {
  return COLORS[tone];
}

/** no-color.org: NO_COLOR present and not empty turns colour off. */
export function noColorFrom(env: NodeJS.ProcessEnv): boolean {
  return env.NO_COLOR !== undefined && env.NO_COLOR !== '';
}

export const ThemeContext = createContext<Theme>({ noColor: false });

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
