import { render } from 'ink';
import { createElement } from 'react';
import { ExitCode } from '../core/errors.js';
import { PickerApp, type PickerAppProps } from './app/PickerApp.js';

export interface PickerStreams {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/**
 * Renders the picker until the user quits and returns the exit code it chose. Ctrl-C is the
 * app's to handle (raw mode turns it into a key, not a signal): it cancels a running build
 * before exiting with 130.
 */
export async function runPicker(
  props: Omit<PickerAppProps, 'onExit'>,
  streams: PickerStreams,
): Promise<ExitCode> {
  let code: ExitCode = ExitCode.ok;
  const app = render(
    createElement(PickerApp, {
      ...props,
      onExit: (c: ExitCode) => {
        code = c;
      },
    }),
    { ...streams, exitOnCtrlC: false, patchConsole: false },
  );
  await app.waitUntilExit();
  return code;
}
