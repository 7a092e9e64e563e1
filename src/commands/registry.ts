import type { AnyCommand } from './command.js';

/**
 * Every command, loaded lazily so `layerforge list` does not pay for dockerode or the AWS SDK.
 * Add a command: write `src/commands/<name>.ts` exporting `command`, then add one line here.
 */
export const commandLoaders: Record<string, () => Promise<AnyCommand>> = {};

/** Registers a loader; the key is the command's first word. */
function add(name: string, load: () => Promise<{ command: AnyCommand }>): void {
  commandLoaders[name] = async () => (await load()).command;
}

add('list', () => import('./list.js'));
add('show', () => import('./show.js'));
add('runtimes', () => import('./runtimes.js'));
add('init', () => import('./init.js'));
add('base', () => import('./base.js'));
add('inspect', () => import('./inspect.js'));
add('build', () => import('./build.js'));
add('test', () => import('./test.js'));
add('publish', () => import('./publish.js'));
add('arns', () => import('./arns.js'));
add('versions', () => import('./versions.js'));
add('pick', () => import('./pick.js'));
add('audit', () => import('./audit.js'));
add('invoke', () => import('./invoke.js'));
add('doctor', () => import('./doctor.js'));
add('cache', () => import('./cache.js'));
add('lock', () => import('./lock.js'));
add('sbom', () => import('./sbom.js'));
add('diff', () => import('./diff.js'));
add('ci', () => import('./ci.js'));
add('completion', () => import('./completion.js'));
