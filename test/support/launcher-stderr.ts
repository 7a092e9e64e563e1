import { nodeVersionNotice } from '../../bin/node-version.js';

/**
 * A launched CLI's stderr without the launcher's one line about this Node (a warning below 22,
 * see bin/node-version.js and its own test), so tests of the built binary can still demand an
 * otherwise empty stderr under every Node CI runs.
 */
export function launcherStderr(stderr: string): string {
  const notice = nodeVersionNotice(process.version);
  const line = notice ? `layerforge: ${notice.message}\n` : '';
  return line && stderr.startsWith(line) ? stderr.slice(line.length) : stderr;
}
