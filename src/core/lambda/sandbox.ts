/**
 * How Lambda runs a function, as far as a layer can tell (docs/lambda-facts.md, "Where layer
 * content lands"): as a non-root user, on a read-only file system except /tmp (512 MB by
 * default, Lambda quotas page), in /var/task. The smoke test and `invoke` both run a
 * container this way.
 */

/** A non-root uid and gid, like the sandbox user Lambda runs functions as (never uid 0). */
export const LAMBDA_USER = '993:990';

/** The container settings that make a container behave like Lambda's sandbox. */
export const LAMBDA_SANDBOX = {
  user: LAMBDA_USER,
  readOnlyRootFs: true,
  tmpfs: { '/tmp': 'rw,exec,size=512m' },
  workingDir: '/var/task',
} as const;
