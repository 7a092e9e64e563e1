// The built binary (lib/, as `npm test` builds it first) with its stdout in a real pipe whose
// reader goes away: `layerforge --help | true`, `list --json | true`, `show hello | head -2`.
// Each ends quietly with exit 0; a build whose reader leaves is cancelled cleanly (no container,
// no zip) and also exits 0; stdout on a full disk is an error (exit 1), not swallowed.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { containersWithLabel, requireDocker } from '../support/docker.js';
import { sharedTempDir } from '../support/temp-dir.js';
import { launcherStderr } from '../support/launcher-stderr.js';

const repo = join(import.meta.dirname, '..', '..');
const bin = join(repo, 'bin', 'layerforge.js');
const shared = sharedTempDir('layerforge-closed-stdout-');
let work: string;

beforeAll(async () => {
  if (!existsSync(join(repo, 'lib', 'output-streams.js'))) {
    throw new Error('lib/ is not built with the stdout guard: run `npm run build` first (`npm test` does)');
  }
  work = shared.path;
});

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

async function ended(child: ReturnType<typeof spawn>): Promise<Ended> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  return { code, signal, stderr: launcherStderr(stderr) };
}

/**
 * Runs the binary with its stdout read end already closed when it starts writing: the shell
 * waits for a line on stdin, which is sent only after the read end is closed. Every write the
 * binary makes then fails with EPIPE, whatever the timing.
 */
async function withReaderGone(args: string[]): Promise<Ended> {
  const child = spawn('sh', ['-c', 'read go && exec node "$@"', 'sh', bin, ...args], {
    cwd: work,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const result = ended(child);
  child.stdout?.destroy();
  await once(child.stdout!, 'close');
  child.stdin?.end('go\n');
  return result;
}

describe('a closed stdout ends the command quietly with exit 0', () => {
  it.each([[['--help']], [['list', '--json']], [['show', 'hello']]])(
    '%j with no reader left',
    async (args) => {
      expect(await withReaderGone(args)).toEqual({ code: 0, signal: null, stderr: '' });
    },
  );

  it.each(['--help | true', 'list --json | true', 'show hello | head -2', 'list | head -1'])(
    'in a shell pipeline: layerforge %s',
    (pipeline) => {
      // pipefail: the pipeline's status is layerforge's, not the reader's.
      const run = spawnSync('bash', ['-c', `set -o pipefail; node "$0" ${pipeline} >/dev/null`, bin], {
        cwd: work,
        encoding: 'utf8',
      });
      expect({ status: run.status, stderr: launcherStderr(run.stderr) }).toEqual({ status: 0, stderr: '' });
    },
  );

  it('stdout on a full disk is an error with exit 1', () => {
    const run = spawnSync('sh', ['-c', 'node "$0" list --json > /dev/full', bin], {
      cwd: work,
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(launcherStderr(run.stderr)).toMatch(/^error: cannot write to standard output: ENOSPC/);
  });
});

describe('a build whose reader goes away', () => {
  it('is cancelled cleanly: exit 0, nothing on stderr, no container and no zip left', async () => {
    requireDocker();
    const cwd = await mkdtemp(join(work, 'build-'));
    const child = spawn(
      process.execPath,
      [bin, 'build', 'hello', '--base', 'debian12', '--no-cache', '--json'],
      {
        cwd,
        env: { ...process.env, LAYERFORGE_CACHE_DIR: join(cwd, 'cache') },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const result = ended(child);
    // Read the first event (`| head -1`), then go away while the build goes on.
    let first = '';
    for await (const chunk of child.stdout!) {
      first += (chunk as Buffer).toString();
      if (first.includes('\n')) break;
    }
    child.stdout?.destroy();
    expect(JSON.parse(first.split('\n')[0] ?? '')).toMatchObject({
      type: 'build.step.start',
      step: 'resolve',
    });
    expect(await result).toEqual({ code: 0, signal: null, stderr: '' });
    expect(containersWithLabel(`dev.layerforge.pid=${child.pid}`)).toEqual([]);
    const out = join(cwd, 'dist');
    expect(existsSync(out) ? (await readdir(out)).filter((f) => f.endsWith('.zip')) : []).toEqual([]);
  }, 300_000);
});
