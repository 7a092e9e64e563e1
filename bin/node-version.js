// Which Node.js layerforge runs on. package.json's engines says >=20; Node 20 still works and CI
// runs the tests under it, but it reached end of life in April 2026 and the AWS SDK v3 drops it
// in January 2027, after which layerforge needs 22. So below 22 the launcher warns, once, on
// stderr (stdout stays the command's); below 20 it stops before loading anything that may not run.

/** The oldest major engines allows: keep in step with package.json (a test checks it). */
export const MINIMUM_NODE_MAJOR = 20;
/** The oldest major that gets no warning: the maintained LTS lines are 22 and 24. */
export const RECOMMENDED_NODE_MAJOR = 22;

/**
 * What to say about `version` (as `process.version`, e.g. `v20.20.2`): a warning, a fatal
 * refusal, or nothing for a supported version or one that cannot be read.
 * @param {string} version
 * @returns {{ fatal: boolean, message: string } | undefined}
 */
export function nodeVersionNotice(version) {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  if (!Number.isInteger(major) || major >= RECOMMENDED_NODE_MAJOR) return undefined;
  if (major < MINIMUM_NODE_MAJOR) {
    return {
      fatal: true,
      message: `error: Node.js ${version} is too old: layerforge needs Node.js ${MINIMUM_NODE_MAJOR} or newer (22 or 24 recommended)`,
    };
  }
  return {
    fatal: false,
    message: `warning: Node.js ${version} reached end of life in April 2026, and the AWS SDK drops it in January 2027; layerforge will then need Node.js ${RECOMMENDED_NODE_MAJOR}. Move to Node.js 22 or 24.`,
  };
}

/**
 * Writes the notice for `version`, if any, as one line to `stderr`; true when layerforge cannot
 * run on it (the launcher then exits 1).
 * @param {string} version
 * @param {{ write(text: string): unknown }} stderr
 * @returns {boolean}
 */
export function warnAboutNode(version, stderr) {
  const notice = nodeVersionNotice(version);
  if (notice) stderr.write(`layerforge: ${notice.message}\n`);
  return notice?.fatal ?? false;
}
