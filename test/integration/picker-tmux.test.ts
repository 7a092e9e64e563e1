import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containersWithLabel, requireDocker } from '../support/docker.js';
import { MOTO_ACCOUNT, startMoto, type MotoServer } from '../support/moto.js';
import { sharedTempDir } from '../support/temp-dir.js';

// The picker end to end: the built binary (lib/, as `npm test` builds it first) in a real
// terminal under tmux, driven by keys, building hello on the debian12 base with the real
// Docker engine, then publishing the zip to moto's Lambda. Everything is read off the screen.

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = join(repo, 'bin', 'layerforge.js');
// A private tmux server: a server started elsewhere would hand the sessions its own environment.
const socket = `layerforge-picker-${process.pid}`;

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
}

/** The one child process of `pid`, read from /proc (no procps needed). */
function childOf(pid: number): number {
  const children = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        // Fields after the command name, which sits in parentheses: state, then ppid.
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    });
  if (children.length !== 1)
    throw new Error(`expected one child of ${pid}, found ${children.join(', ') || 'none'}`);
  return Number(children[0]);
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** One detached 120×40 terminal running a command, read with capture-pane and driven with send-keys. */
class Terminal {
  /** Every screen captured, in order: proof of what was shown while a build ran. */
  readonly screens: string[] = [];
  private readonly target: string;

  constructor(name: string, cwd: string, command: string) {
    this.target = `${name}:0.0`;
    tmux('new-session', '-d', '-s', name, '-x', '120', '-y', '40', '-c', cwd, command);
  }

  screen(): string {
    const captured = tmux('capture-pane', '-p', '-t', this.target);
    this.screens.push(captured);
    return captured;
  }

  /** Polls the screen until `pattern` shows up; the error carries the last screen. */
  async waitFor(pattern: RegExp, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const current = this.screen();
      if (pattern.test(current)) return current;
      if (Date.now() > deadline) {
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${String(pattern)}; the screen:\n${current}`,
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  keys(...names: string[]): void {
    tmux('send-keys', '-t', this.target, ...names);
  }

  type(text: string): void {
    tmux('send-keys', '-t', this.target, '-l', text);
  }

  /** The pid of the pane's shell (`sh -c <command>`). */
  shellPid(): number {
    return Number(tmux('display-message', '-p', '-t', this.target, '#{pane_pid}').trim());
  }
}

/**
 * A user's terminal: no CI, no LAYERFORGE_BASE (so the picker's default is `lambda` and the
 * test must pick debian12), an empty cache (a real build, not a cache hit), moto for AWS.
 * After the picker exits, the shell prints its exit code and stays, so the screen can be read.
 */
function pickerCommand(cacheDir: string, args: string[]): string {
  return [
    'env -u CI -u LAYERFORGE_BASE -u NO_COLOR -u AWS_PROFILE',
    `LAYERFORGE_CACHE_DIR=${shellQuote(cacheDir)}`,
    `AWS_ENDPOINT_URL=${shellQuote(moto.endpoint)}`,
    'AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1',
    `node ${[bin, ...args].map(shellQuote).join(' ')}; echo "LAYERFORGE_EXIT=$?"; sleep 3600`,
  ].join(' ');
}

const shared = sharedTempDir('layerforge-picker-');
let work: string;
let moto: MotoServer;

beforeAll(async () => {
  requireDocker();
  const version = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
  if (version.status !== 0) throw new Error('this test needs tmux (apt-get install tmux)');
  if (!existsSync(join(repo, 'lib', 'commands', 'pick.js'))) {
    throw new Error('lib/ has no pick command: run `npm run build` first (`npm test` does)');
  }
  moto = await startMoto();
  work = shared.path;
}, 600_000);

afterAll(async () => {
  spawnSync('tmux', ['-L', socket, 'kill-server']);
  await moto?.stop();
});

describe('the picker in a real terminal', () => {
  it('filters to hello, builds it on debian12 with live progress, publishes the zip, and quits 0', async () => {
    const cwd = join(work, 'hello');
    await mkdir(cwd);
    const term = new Terminal('hello', cwd, pickerCommand(join(work, 'cache-hello'), []));
    // List view, with the details pane beside the list at 120 columns.
    let shown = await term.waitFor(/pick a recipe/, 60_000);
    expect(shown).toMatch(/› \S+/);
    term.type('hello');
    shown = await term.waitFor(/filter hello█/, 10_000);
    expect(shown).toMatch(/› hello\s+1\.0\.0/);
    expect(shown).toMatch(/│ source\s+hello-1\.0\.0\.tar\.gz/);
    expect(shown).toMatch(/│ license\s+MIT/);
    expect(shown).toMatch(/│ budget\s+1 MB unzipped/);

    // Choose view: defaults first (LAYERFORGE_BASE is unset, so the base is lambda), then debian12.
    term.keys('Enter');
    shown = await term.waitFor(/choose the target/, 10_000);
    expect(shown).toMatch(/runtime\s+\[provided\.al2023\]/);
    expect(shown).toMatch(/arch\s+\[x86_64\]/);
    expect(shown).toMatch(/base\s+debian12\s+\[lambda\]/);
    term.keys('Down');
    term.keys('Down');
    await term.waitFor(/› base/, 10_000);
    term.keys('Right');
    await term.waitFor(/base\s+\[debian12\]\s+lambda/, 10_000);

    // Build view: the steps appear as the core reports them, then the summary.
    term.keys('Enter');
    shown = await term.waitFor(/building hello 1\.0\.0 · provided\.al2023 x86_64 · base debian12/, 60_000);
    await term.waitFor(
      /✓ resolve\s+\d+\.\ds\s+hello@1\.0\.0 for provided\.al2023 x86_64 on debian12/,
      60_000,
    );
    // The first run on a machine may build the debian12 images: minutes, not seconds.
    shown = await term.waitFor(/layer ready|build failed/, 540_000);
    expect(shown).not.toContain('build failed');
    // While it ran, the screen showed the running step with its spinner and the log tail.
    const live = term.screens.filter((sc) => !sc.includes('layer ready'));
    expect(live.some((sc) => /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] build\s+\d+\.\ds/m.test(sc))).toBe(true);
    expect(live.some((sc) => /^log \(\d+ lines, last \d+\)$/m.test(sc) && /^│ /m.test(sc))).toBe(true);
    for (const step of ['resolve', 'base-image', 'build', 'prune', 'audit', 'zip']) {
      expect(shown).toMatch(new RegExp(`^✓ ${step}\\s+\\d+\\.\\ds`, 'm'));
    }
    expect(shown).toMatch(/^unzipped \[█░+\]\s+[\d.]+ KB of 250 MB/m);
    expect(shown).toMatch(/^zipped {3}\[█░+\]\s+[\d.]+ KB of 50 MB inline/m);
    const zipLine = /^zip {8}(\S+\.zip)$/m.exec(shown);
    expect(zipLine?.[1]).toBe(join(cwd, 'dist', 'hello-1.0.0-provided.al2023-x86_64.zip'));
    expect(shown).toContain('layerforge inspect dist/hello-1.0.0-provided.al2023-x86_64.zip');
    expect(shown).toContain(
      'layerforge publish dist/hello-1.0.0-provided.al2023-x86_64.zip --region us-east-1',
    );
    expect(shown).toContain('p publish to AWS regions · q quit');

    // The zip is there, Info-ZIP reads it, and `layerforge inspect` passes it.
    const zipPath = join(cwd, 'dist', 'hello-1.0.0-provided.al2023-x86_64.zip');
    expect(existsSync(zipPath)).toBe(true);
    const listing = execFileSync('zipinfo', ['-1', zipPath], { encoding: 'utf8' }).split('\n');
    expect(listing).toEqual(expect.arrayContaining(['bin/hello', 'lib/libgreet.so.1.0.0']));
    const inspect = spawnSync('node', [bin, 'inspect', zipPath], { encoding: 'utf8', cwd });
    expect(inspect.status, inspect.stderr).toBe(0);

    // Publish from the picker: the region prompt is prefilled from AWS_REGION.
    term.keys('p');
    await term.waitFor(/publish to regions: us-east-1█/, 10_000);
    term.keys('Enter');
    shown = await term.waitFor(/recorded in|publish failed/, 120_000);
    expect(shown).not.toContain('publish failed');
    expect(shown).toMatch(
      new RegExp(
        `✓ us-east-1\\s+arn:aws:lambda:us-east-1:${MOTO_ACCOUNT}:layer:hello-providedal2023-x86_64:1`,
      ),
    );
    const lock = JSON.parse(await readFile(join(cwd, 'layerforge.lock.json'), 'utf8')) as unknown;
    expect(JSON.stringify(lock)).toContain(
      `arn:aws:lambda:us-east-1:${MOTO_ACCOUNT}:layer:hello-providedal2023-x86_64:1`,
    );

    term.keys('q');
    await term.waitFor(/LAYERFORGE_EXIT=0/, 10_000);
  }, 900_000);

  it('Ctrl-C during a real build removes the container, writes nothing, and exits 130', async () => {
    const cwd = join(work, 'slow');
    await mkdir(cwd);
    const out = join(cwd, 'dist');
    const fixtures = join(repo, 'test', 'fixtures', 'recipes-build');
    const term = new Terminal(
      'slow',
      cwd,
      pickerCommand(join(work, 'cache-slow'), ['pick', '--recipes', fixtures, '--base', 'debian12']),
    );
    await term.waitFor(/pick a recipe/, 60_000);
    term.type('slow');
    await term.waitFor(/› slow\s+1\.0\.0/, 10_000);
    term.keys('Enter');
    // --base preselects debian12.
    await term.waitFor(/base\s+\[debian12\]\s+lambda/, 10_000);
    term.keys('Enter');
    await term.waitFor(/│ slow build started/, 540_000);
    // bin/layerforge.js runs as the child of the pane's shell; the build container carries its pid.
    const node = childOf(term.shellPid());
    const label = `dev.layerforge.pid=${node}`;
    expect(containersWithLabel(label)).toHaveLength(1);

    term.keys('C-c');
    const shown = await term.waitFor(/LAYERFORGE_EXIT=\d+/, 120_000);
    expect(shown).toContain('LAYERFORGE_EXIT=130');
    expect(shown).toContain('■ build cancelled: the container was removed and nothing was written');
    expect(shown).toMatch(/^✗ build\s+\d+\.\ds/m);
    expect(containersWithLabel(label)).toEqual([]);
    expect(existsSync(out) ? await readdir(out) : []).toEqual([]);
  }, 900_000);
});
