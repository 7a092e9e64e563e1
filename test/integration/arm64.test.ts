// arm64 layers built and smoke-tested under QEMU user emulation (issue 9, item 3).
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker } from '../support/docker.js';
import { runLayerforge } from '../support/run-cli.js';

let work: string;

beforeAll(async () => {
  requireDocker();
  // Without a registered aarch64 interpreter no arm64 container can start: bash .ci/run registers it.
  execFileSync('sh', ['-c', 'test -e /proc/sys/fs/binfmt_misc/qemu-aarch64'], { stdio: 'pipe' });
  work = await mkdtemp(join(tmpdir(), 'layerforge-it-arm64-'));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** The ELF machine of every ELF file in an extracted layer, by an independent reader (readelf). */
async function elfMachines(dir: string): Promise<Map<string, string>> {
  const machines = new Map<string, string>();
  for (const rel of (await readdir(dir, { recursive: true })).map(String)) {
    const path = join(dir, rel);
    const head = execFileSync(
      'sh',
      ['-c', `test -f "$0" -a ! -L "$0" && head -c 4 "$0" | od -An -c || true`, path],
      { encoding: 'utf8' },
    );
    if (!/177\s+E\s+L\s+F/.test(head)) continue;
    const header = execFileSync('readelf', ['-h', path], { encoding: 'utf8' });
    machines.set(rel, /Machine:\s+(.+)/.exec(header)?.[1]?.trim() ?? '?');
  }
  return machines;
}

describe.each([
  ['hello', 'provided.al2023', 'hello-1.0.0-provided.al2023-arm64'],
  ['pandas', 'python3.11', 'pandas-2.3.3-python3.11-arm64'],
])('%s for arm64', (recipe, runtime, artifact) => {
  it('builds in arm64 containers, passes its smoke tests, and holds aarch64 ELF files only', async () => {
    const out = join(work, recipe);
    const run = await runLayerforge(
      ['test', recipe, '--arch', 'arm64', '--runtime', runtime, '--base', 'debian12', '--json', '--out', out],
      { cwd: work },
    );
    expect(run.code, run.stderr).toBe(0);
    const tests = run.events.filter((e) => e.type === 'test.result');
    expect(tests.length).toBeGreaterThan(0);
    expect(tests.every((t) => t.type === 'test.result' && t.ok)).toBe(true);

    const zip = join(out, `${artifact}.zip`);
    const extracted = join(work, `${recipe}-unzipped`);
    execFileSync('unzip', ['-q', zip, '-d', extracted]);
    const machines = await elfMachines(extracted);
    expect(machines.size).toBeGreaterThan(0);
    expect([...new Set(machines.values())]).toEqual(['AArch64']);

    // The audit reads e_machine itself: the same zip passes for arm64 and fails for x86_64.
    const asArm = await runLayerforge(
      ['audit', zip, '--runtime', runtime, '--arch', 'arm64', '--os', 'debian12', '--json'],
      { cwd: work },
    );
    expect(asArm.stdout).not.toContain('arch-mismatch');
    const asX86 = await runLayerforge(
      ['audit', zip, '--runtime', runtime, '--arch', 'x86_64', '--os', 'debian12', '--json'],
      { cwd: work },
    );
    expect(asX86.code).toBe(1);
    const mismatches = (JSON.parse(asX86.stdout) as { findings: { code: string; file: string }[] }).findings
      .filter((f) => f.code === 'arch-mismatch')
      .map((f) => f.file);
    // Every ELF file readelf saw, and nothing else but the wheels' own aarch64 tags.
    const elfFlagged = mismatches.filter((f) => machines.has(f)).sort();
    expect(elfFlagged).toEqual([...machines.keys()].sort());
    expect(mismatches.filter((f) => !machines.has(f)).every((f) => f.endsWith('.dist-info/WHEEL'))).toBe(
      true,
    );
  }, 1_800_000);
});
