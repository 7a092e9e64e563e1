// Issue 16: a Node function that resizes an image with sharp, its layer built from the bundled
// sharp recipe on the debian12 stand-in for nodejs22.x, invoked through AWS's emulator for x86_64
// and arm64 (QEMU on an x86_64 machine). The stand-in runs the pinned official Node 22 at
// /var/lang/bin and AWS's runtime interface client from npm (aws-lambda-ric); for the arch that is
// not the engine's, the client's native part is cross-compiled on the engine's arch
// (src/core/invoke/compile-stage.ts) and checked to be an ELF for the function's. Nothing here is
// faked. Layer builds and the images are cached by content, so a second run starts no build.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireDocker } from '../support/docker.js';
import { testCacheDir } from '../support/fetch-real-binaries.js';
import { testEmulator } from '../support/rie.js';
import { runLayerforgeInheritingEnv as runLayerforge } from '../support/run-cli.js';
import { sharedTempDir } from '../support/temp-dir.js';

const repo = join(import.meta.dirname, '..', '..');
const example = join(repo, 'examples', 'sharp-resize');
const shared = sharedTempDir('layerforge-it-invoke-node-');
let pinnedNode22 = '';

beforeAll(async () => {
  requireDocker();
  const pins = parse(await readFile(join(repo, 'base-images', 'debian12', 'nodejs.yaml'), 'utf8')) as {
    versions: Record<string, { node: { version: string } }>;
  };
  pinnedNode22 = pins.versions['22']?.node.version ?? '';
  expect(pinnedNode22).toMatch(/^22\.\d+\.\d+$/);
}, 60_000);

/** A PNG's size from its IHDR chunk: read from the bytes, not from sharp. */
function pngSize(data: Buffer): { width: number; height: number } {
  expect([...data.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
  expect(data.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

interface Resized {
  source: { width: number; height: number; format: string };
  resized: { width: number; height: number; format: string; bytes: number };
  resized_base64: string;
  sharp: string;
  node: string;
  arch: string;
}

describe.each([
  ['x86_64', 'x64'],
  ['arm64', 'arm64'],
] as const)('sharp-resize on nodejs22.x, %s, through the emulator', (arch, nodeArch) => {
  it('builds the sharp layer and resizes a 640x480 image to 200x150 on the pinned Node 22', async () => {
    const emulator = await testEmulator(arch);
    const run = await runLayerforge(
      [
        'invoke',
        example,
        '--handler',
        'handler.handler',
        '--runtime',
        'nodejs22.x',
        '--arch',
        arch,
        '--layer',
        'sharp',
        '--event',
        join(example, 'event.json'),
        '--out',
        join(shared.path, 'dist'),
      ],
      {
        cwd: shared.path,
        env: {
          LAYERFORGE_CACHE_DIR: join(testCacheDir(), 'invoke-node'),
          LAYERFORGE_BASE: 'debian12',
          LAYERFORGE_RIE: emulator.path,
        },
      },
    );
    expect(run.code, run.stderr).toBe(0);
    const answer = JSON.parse(run.stdout) as Resized;
    expect(answer.source).toEqual({ width: 640, height: 480, format: 'png' });
    expect(answer.resized).toMatchObject({ width: 200, height: 150, format: 'png' });
    const png = Buffer.from(answer.resized_base64, 'base64');
    expect(png.length).toBe(answer.resized.bytes);
    expect(pngSize(png)).toEqual({ width: 200, height: 150 });
    expect(answer).toMatchObject({ sharp: '0.34.5', node: `v${pinnedNode22}`, arch: nodeArch });
  }, 3_600_000);
});

describe.each([
  ['x86_64', 'x64', 'arm64'],
  ['arm64', 'arm64', 'x86_64'],
] as const)('the %s sharp layer', (arch, cpu, other) => {
  const env = { LAYERFORGE_CACHE_DIR: join(testCacheDir(), 'invoke-node') };

  it(`passes the audit for ${arch}, and its .node and libvips are flagged for ${other}`, async () => {
    const zip = join(shared.path, 'dist', `sharp-0.34.5-nodejs22.x-${arch}.zip`);
    const ok = await runLayerforge(['audit', zip, '--json'], { cwd: shared.path, env });
    expect(ok.code, ok.stderr).toBe(0);
    const wrong = await runLayerforge(['audit', zip, '--arch', other, '--json'], { cwd: shared.path, env });
    expect(wrong.code).toBe(1);
    const { findings, summary } = JSON.parse(wrong.stdout) as {
      findings: { severity: string; code: string; file: string }[];
      summary: { elfFiles: number };
    };
    expect(summary.elfFiles).toBe(2);
    expect(findings.filter((f) => f.severity === 'error').map((f) => `${f.code} ${f.file}`)).toEqual([
      `arch-mismatch nodejs/node_modules/@img/sharp-libvips-linux-${cpu}/lib/libvips-cpp.so.8.17.3`,
      `arch-mismatch nodejs/node_modules/@img/sharp-linux-${cpu}/lib/sharp-linux-${cpu}.node`,
    ]);
  }, 600_000);

  it('passes the sharp recipe’s smoke tests in the runtime image of its arch', async () => {
    const run = await runLayerforge(
      ['test', 'sharp', '--runtime', 'nodejs22.x', '--arch', arch, '--base', 'debian12', '--json'],
      { cwd: shared.path, env: { ...env, LAYERFORGE_BASE: 'debian12' } },
    );
    expect(run.code, run.stderr).toBe(0);
    const tests = run.events.flatMap((e) => (e.type === 'test.result' ? [e] : []));
    expect(tests).toHaveLength(3);
    expect(tests.filter((t) => !t.ok)).toEqual([]);
    // The third test prints the arch Node reports: the layer ran on its own arch's Node.
    expect(tests[2]?.output).toContain(`0.34.5 ${cpu}`);
  }, 1_800_000);
});
