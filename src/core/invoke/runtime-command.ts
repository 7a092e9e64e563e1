import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import type { LambdaRuntime } from '../runtimes/catalog.js';

async function modeOf(path: string): Promise<number | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.mode : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What the emulator starts, as Lambda does: a language runtime's own bootstrap (official images
 * and layerforge's invoke images keep it at /var/runtime/bootstrap) with the handler; for a custom
 * runtime the function's `bootstrap`, else the one a layer put at /opt/bootstrap.
 */
export async function runtimeCommand(
  runtime: LambdaRuntime,
  handler: string,
  functionDir: string,
  optDir: string,
): Promise<string[]> {
  if (runtime.family !== 'provided') return ['/var/runtime/bootstrap', handler];
  for (const [hostPath, containerPath] of [
    [join(functionDir, 'bootstrap'), '/var/task/bootstrap'],
    [join(optDir, 'bootstrap'), '/opt/bootstrap'],
  ] as const) {
    const mode = await modeOf(hostPath);
    if (mode === undefined) continue;
    if ((mode & 0o001) === 0) {
      throw new UserError(
        `${containerPath} is not executable by everyone (mode ${(mode & 0o777).toString(8)}); Lambda would fail with Runtime.InvalidEntrypoint`,
        {
          hint: `chmod 755 the bootstrap (${hostPath})`,
        },
      );
    }
    return [containerPath];
  }
  throw new UserError(
    `a ${runtime.id} function needs a bootstrap: none in the function folder, and no layer has one at its root`,
    {
      hint: 'add an executable `bootstrap` to the function folder, or a layer that ships one (e.g. a language runtime layer)',
    },
  );
}

/** Python and Node name a handler `module.function` (the module may sit in folders: `src/app.handler`). */
export function checkHandler(runtime: LambdaRuntime, handler: string): void {
  if (handler.trim().length === 0)
    throw new UserError('--handler is empty', { hint: 'e.g. --handler app.handler' });
  if (
    (runtime.family === 'python' || runtime.family === 'nodejs') &&
    !/^[^.\s]+(\.[^.\s]+)*\.[A-Za-z_$][\w$]*$/.test(handler)
  ) {
    throw new UserError(`handler "${handler}" is not of the form module.function`, {
      hint: `${runtime.family} handlers name the file without its extension, then the function: --handler app.handler for app.${runtime.family === 'python' ? 'py' : 'mjs'}`,
    });
  }
}
