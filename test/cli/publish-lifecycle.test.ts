// Publishing for a runtime Lambda no longer creates functions on is refused before any AWS call,
// naming each such runtime; --allow-deprecated turns the refusal into warnings.
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  isolateAwsProcessEnv,
  makeLayerZip,
  NOWHERE,
  runLayerforge,
  testAwsEnv,
  type LayerZip,
} from '../support/publish-fixtures.js';
import { sharedTempDir } from '../support/temp-dir.js';

/** After 2027-02-01, when Lambda blocks creating functions on python3.9 and nodejs18.x. */
const AFTER_BLOCK = new Date('2027-02-15T12:00:00Z');

const shared = sharedTempDir('lf-cli-lifecycle-');
let scratch: string;
let blocked: LayerZip;
let mixed: LayerZip;
let deprecatedOnly: LayerZip;

beforeAll(async () => {
  scratch = shared.path;
  isolateAwsProcessEnv(scratch);
  const files = { 'python/x.py': 'x = 1\n' };
  blocked = await makeLayerZip(join(scratch, 'a'), 'old-1.0.0-python3.9-x86_64', {
    files,
    runtimes: ['python3.9'],
  });
  mixed = await makeLayerZip(join(scratch, 'b'), 'mixed-1.0.0-python3.12-x86_64', {
    files,
    runtimes: ['python3.12', 'python3.9', 'nodejs18.x'],
  });
  deprecatedOnly = await makeLayerZip(join(scratch, 'c'), 'dep-1.0.0-python3.10-x86_64', {
    files,
    runtimes: ['python3.10'],
  });
});

// Only Date is faked: timers, the SDK's sockets and file I/O run as usual.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(AFTER_BLOCK);
});
afterEach(() => {
  vi.useRealTimers();
});

const run = (args: string[]) => runLayerforge(args, { cwd: scratch, env: testAwsEnv(NOWHERE) });

describe('layerforge publish and the runtime lifecycle', () => {
  it('refuses a layer for a create-blocked runtime with exit 2 and a hint, before any AWS call', async () => {
    const out = await run(['publish', blocked.zipPath, '--region', 'us-east-1']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('error: Lambda blocks creating functions on python3.9 (since 2027-02-01)');
    expect(out.stderr).toMatch(
      /hint: build for a supported runtime \(python3\.14\), or pass --allow-deprecated/,
    );
    expect(out.stderr).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
    expect(out.stdout).toBe('');
  });

  it('names each blocked runtime when only some compatible runtimes are blocked', async () => {
    const out = await run(['publish', mixed.zipPath, '--region', 'us-east-1']);
    expect(out.code).toBe(2);
    const error = out.stderr.split('\n').find((l) => l.startsWith('error:')) ?? '';
    expect(error).toContain('python3.9 (since 2027-02-01)');
    expect(error).toContain('nodejs18.x (since 2027-02-01)');
    expect(error).not.toContain('python3.12');
    expect(out.stderr).toContain('python3.14, nodejs24.x');
  });

  it('publishes with --allow-deprecated, warning for each blocked runtime', async () => {
    const out = await run([
      'publish',
      mixed.zipPath,
      '--region',
      'us-east-1',
      '--allow-deprecated',
      '--json',
    ]);
    // Past the lifecycle check the publish goes to AWS, here nowhere: the region fails (exit 1).
    expect(out.code).toBe(1);
    const warnings = out.events.filter((e) => e.type === 'warning' && e.code === 'deprecated-runtime');
    expect(warnings).toEqual([
      expect.objectContaining({ runtime: 'python3.9', status: 'create-blocked', moveTo: 'python3.14' }),
      expect.objectContaining({ runtime: 'nodejs18.x', status: 'create-blocked', moveTo: 'nodejs24.x' }),
    ]);
  });

  it('only warns for a runtime that is deprecated but not yet blocked', async () => {
    vi.setSystemTime(new Date('2026-12-01T12:00:00Z'));
    const out = await run(['publish', deprecatedOnly.zipPath, '--region', 'us-east-1', '--json']);
    expect(out.code).toBe(1);
    expect(out.events).toContainEqual(
      expect.objectContaining({
        type: 'warning',
        code: 'deprecated-runtime',
        runtime: 'python3.10',
        status: 'deprecated',
        deprecatedOn: '2026-10-31',
      }),
    );
  });

  it('lists --allow-deprecated in --help', async () => {
    const out = await run(['publish', '--help']);
    expect(out.stdout).toContain('--allow-deprecated');
  });
});

describe('layerforge publish <recipe> and the runtime lifecycle', () => {
  it('refuses a blocked --runtime before building anything', async () => {
    const out = await run(['publish', 'hello', '--runtime', 'provided.al2', '--region', 'us-east-1']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('Lambda blocks creating functions on provided.al2 (since 2027-02-01)');
    expect(out.stderr).toContain('provided.al2023');
    expect(out.events.filter((e) => e.type.startsWith('build.'))).toEqual([]);
  });
});
