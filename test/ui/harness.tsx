import { render } from 'ink-testing-library';
import type { BuildLayer } from '../../src/core/builder/types.js';
import { PickerApp, type PickerAppProps } from '../../src/ui/app/PickerApp.js';
import { DATA } from './fake-build.js';

export const KEY = {
  up: '\u001B[A',
  down: '\u001B[B',
  right: '\u001B[C',
  left: '\u001B[D',
  enter: '\r',
  escape: '\u001B',
  ctrlC: '\u0003',
  backspace: '\u007F',
} as const;

export interface Picker {
  frame(): string;
  /** Everything written, <Static> output included (ink-testing-library renders in debug mode). */
  all(): string;
  press(...keys: string[]): Promise<void>;
  type(text: string): Promise<void>;
  waitFor(text: string | RegExp): Promise<string>;
  /** Waits until the app has called onExit, and returns the codes it gave. */
  waitForExit(): Promise<number[]>;
  exitCodes: number[];
  unmount(): void;
}

/** Lets ink read input and React commit the update. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

/** Renders the picker with fixture data and a fake build; props override the defaults. */
export function renderPicker(buildLayer: BuildLayer, props: Partial<PickerAppProps> = {}): Picker {
  const exitCodes: number[] = [];
  const app = render(
    <PickerApp
      data={DATA}
      defaults={{ base: 'lambda' }}
      buildOptions={{ outDir: 'dist', recipeDirs: [] }}
      buildLayer={buildLayer}
      cwd="/work/project"
      noColor={false}
      size={{ columns: 100, rows: 40 }}
      onExit={(code) => exitCodes.push(code)}
      {...props}
    />,
  );
  const frame = () => app.lastFrame() ?? '';
  return {
    frame,
    all: () => app.frames.join('\n'),
    exitCodes,
    unmount: () => app.unmount(),
    async press(...keys) {
      for (const key of keys) {
        app.stdin.write(key);
        await tick();
      }
    },
    async type(text) {
      for (const c of text) {
        app.stdin.write(c);
        await tick();
      }
    },
    async waitForExit() {
      const deadline = Date.now() + 10_000;
      while (exitCodes.length === 0) {
        if (Date.now() > deadline) throw new Error(`the picker did not exit; the screen:\n${frame()}`);
        await tick();
      }
      return exitCodes;
    },
    async waitFor(text) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const current = frame();
        if (typeof text === 'string' ? current.includes(text) : text.test(current)) return current;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(text)} in:\n${current}`);
        await tick();
      }
    },
  };
}
