/**
 * Goals rows 2–4: start-up of the CLI as users run it (bin/layerforge.js and its bundle), each
 * command alternating with `node -e 0` under the same Node binary, for every Node given.
 */
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { StartupFigures } from './goals.js';
import { log, mustRun, run, type Ran } from './shell.js';
import { stepTimes } from './steps.js';
import { eventsOf } from './variants.js';

/**
 * The Node binaries to measure under: the one running the bench, those passed with `--node`,
 * and CI's pinned Node 22 when its cache holds one (bin/layerforge.js enables the compile cache there).
 */
export function nodeBinaries(given: string[]): string[] {
  const ci = join(homedir(), '.cache', 'layerforge-ci', 'node');
  const pinned = existsSync(ci)
    ? readdirSync(ci)
        .filter((d) => d.startsWith('22.'))
        .map((d) => join(ci, d, 'bin', 'node'))
        .filter((p) => existsSync(p))
    : [];
  return [...new Set([process.execPath, ...given, ...pinned.slice(0, 1)])];
}

export interface StartupCommands {
  cli: string;
  /** `build … ` arguments (after the CLI) whose run is a cache hit. */
  hitArgs: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

function timed(node: string, args: string[], c: StartupCommands): Promise<Ran> {
  return mustRun(node, args, { cwd: c.cwd, env: c.env });
}

export async function startupUnder(node: string, c: StartupCommands, runs: number): Promise<StartupFigures> {
  const version = (await mustRun(node, ['-p', 'process.versions.node'])).stdout.trim();
  const commands = {
    versionSeconds: [c.cli, '--version'],
    listSeconds: [c.cli, 'list'],
    cacheHitSeconds: [c.cli, ...c.hitArgs],
  };
  // Warm-up: the page cache, and Node 22's compile cache; and the hit must be a hit. The cache key
  // holds zlib's version (another zlib, other zip bytes), so another Node may build its own entry
  // first: the first run may build, the second must hit.
  await run(node, commands.cacheHitSeconds, { cwd: c.cwd, env: c.env });
  const hit = await run(node, commands.cacheHitSeconds, { cwd: c.cwd, env: c.env });
  const done = eventsOf(hit.stdout).find((e) => e.type === 'build.done');
  if (done?.type !== 'build.done' || !done.cached)
    throw new Error(
      `the start-up's build was not a cache hit under Node ${version} (exit ${hit.code}):\n${hit.stderr}\n${hit.stdout.slice(-3000)}`,
    );
  for (const args of [['-e', '0'], commands.versionSeconds, commands.listSeconds]) await timed(node, args, c);
  const f: StartupFigures = {
    node: version,
    nodeSeconds: [],
    versionSeconds: [],
    listSeconds: [],
    cacheHitSeconds: [],
    cacheHitSteps: [],
  };
  for (let i = 1; i <= runs; i++) {
    log(`start-up under Node ${version}, round ${i}/${runs}`);
    for (const key of ['versionSeconds', 'listSeconds', 'cacheHitSeconds'] as const) {
      f.nodeSeconds.push((await timed(node, ['-e', '0'], c)).seconds);
      const ran = await timed(node, commands[key], c);
      f[key].push(ran.seconds);
      if (key === 'cacheHitSeconds') f.cacheHitSteps?.push(stepTimes(eventsOf(ran.stdout)));
    }
  }
  return f;
}
