import { UserError } from '../../errors.js';

/** A zip whose structure is broken or lies about itself: exit 2, like any bad input. */
export function corruptZip(zipPath: string, reason: string, cause?: unknown): UserError {
  return new UserError(`${zipPath} is not a readable zip file (${reason})`, {
    cause,
    hint: 'check the file is a complete .zip (e.g. `unzip -t` it); a download may have been cut short',
  });
}

/** A zip that is well formed but past a cap layerforge keeps to stay safe: exit 2. */
export function unsafeZip(zipPath: string, reason: string): UserError {
  return new UserError(`${zipPath} is an unsafe zip: ${reason}`, {
    hint: 'layerforge reads only zips a Lambda layer could be: rebuild it with `layerforge build` or `zip -r -y`',
  });
}

/** Errors of the file system (ENOSPC, EACCES…) are not the zip's fault; zlib's (`Z_DATA_ERROR`) are. */
export function isSystemError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}
