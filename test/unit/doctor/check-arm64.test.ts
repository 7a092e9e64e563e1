import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkArm64Host, parseBinfmtEntry } from '../../../src/core/doctor/check-arm64-host.js';
import { checkArm64Engine, checkEngine } from '../../../src/core/doctor/check-engine.js';
import type { HostFacts } from '../../../src/core/doctor/types.js';
import { LABELS } from '../../../src/core/engine/container-engine.js';
import { FakeEngine } from '../../support/fake-engine.js';

// What the kernel shows for qemu-user-static's registration (Debian 12), with the interpreter
// replaced by one that exists on every test machine.
const registration = (flags: string, state = 'enabled') => `${state}
interpreter ${process.execPath}
flags: ${flags}
offset 0
magic 7f454c460201010000000000000000000200b700
mask ffffffffffffff00fffffffffffffffffeffffff
`;

let binfmtDir = '';
let host: HostFacts;
beforeEach(async () => {
  binfmtDir = await mkdtemp(join(tmpdir(), 'lf-binfmt-'));
  await writeFile(join(binfmtDir, 'status'), 'enabled\n');
  await writeFile(join(binfmtDir, 'register'), '');
  host = {
    platform: 'linux',
    arch: 'x64',
    kernelRelease: '6.1.0-test',
    uid: 0,
    nodeVersion: '22.12.0',
    binfmtDir,
  };
});
afterEach(async () => {
  await rm(binfmtDir, { recursive: true, force: true });
});

describe('arm64 on this machine (binfmt_misc)', () => {
  it('reads an entry as the kernel writes it', () => {
    expect(parseBinfmtEntry('qemu-aarch64', registration('POF'))).toEqual({
      name: 'qemu-aarch64',
      enabled: true,
      interpreter: process.execPath,
      flags: 'POF',
      magic: '7f454c460201010000000000000000000200b700',
    });
  });

  it('is ok with qemu-aarch64 registered with the F flag, whatever the entry is called', async () => {
    await writeFile(join(binfmtDir, 'aarch64'), registration('OCF'));
    expect(await checkArm64Host(host)).toMatchObject({
      status: 'ok',
      summary: expect.stringMatching(/^aarch64 registered: .*, flags OCF$/),
    });
  });

  it('warns, with the fix, when it is missing, disabled, or registered without F', async () => {
    expect(await checkArm64Host(host)).toMatchObject({
      status: 'warn',
      hint: expect.stringMatching(/qemu-user-static/),
    });
    await writeFile(join(binfmtDir, 'qemu-aarch64'), registration('PO', 'disabled'));
    expect(await checkArm64Host(host)).toMatchObject({
      status: 'warn',
      hint: expect.stringMatching(/echo 1 \| sudo tee .*qemu-aarch64/),
    });
    await writeFile(join(binfmtDir, 'qemu-aarch64'), registration('PO'));
    expect(await checkArm64Host(host)).toMatchObject({
      status: 'warn',
      summary: expect.stringMatching(/without the F flag/),
    });
    await rm(join(binfmtDir, 'status'));
    expect(await checkArm64Host(host)).toMatchObject({
      status: 'warn',
      summary: expect.stringMatching(/not mounted/),
    });
  });

  it('needs nothing on an arm64 machine', async () => {
    expect(await checkArm64Host({ ...host, arch: 'arm64' })).toMatchObject({ status: 'ok' });
  });
});

describe('arm64 on the engine', () => {
  const signal = new AbortController().signal;
  const RUNTIME = 'layerforge/debian12-runtime:0123456789abcdef-arm64';

  function engineWithArm64Image(): FakeEngine {
    const engine = new FakeEngine();
    engine.engineVersion = { ...engine.engineVersion, kernelVersion: 'another-kernel' };
    engine.images.set(RUNTIME, {
      id: 'sha256:rt',
      architecture: 'arm64',
      labels: { [LABELS.managed]: 'true' },
    });
    engine.images.set('layerforge/debian12-build:0123456789abcdef-arm64', {
      id: 'sha256:bd',
      architecture: 'arm64',
      labels: { [LABELS.managed]: 'true' },
      bytes: 9,
    });
    return engine;
  }

  it('runs `uname -m` in an arm64 image the engine has, and removes the container', async () => {
    const engine = engineWithArm64Image();
    engine.onRun = () => ({ lines: ['aarch64'] });
    const version = await engine.version();
    expect(await checkArm64Engine(engine, version, host, signal)).toEqual({
      id: 'arm64-engine',
      where: 'engine',
      status: 'ok',
      summary: `ran \`uname -m\` in ${RUNTIME}: aarch64`,
    });
    expect(engine.runs).toEqual([
      expect.objectContaining({
        image: RUNTIME,
        entrypoint: ['uname'],
        command: ['-m'],
        platform: 'linux/arm64',
        network: 'none',
      }),
    ]);
    expect(engine.containers.size).toBe(0);
  });

  it('fails when that container cannot run arm64 code', async () => {
    const engine = engineWithArm64Image();
    engine.onRun = () => ({ lines: ['exec /usr/bin/uname: exec format error'], exitCode: 1 });
    const check = await checkArm64Engine(engine, await engine.version(), host, signal);
    expect(check).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(/exit 1, exec \/usr\/bin\/uname: exec format error/),
      hint: expect.stringMatching(/F flag/),
    });
  });

  it("without an arm64 image: this machine's registration counts only when the engine shares its kernel", async () => {
    const engine = new FakeEngine();
    await writeFile(join(binfmtDir, 'qemu-aarch64'), registration('POF'));
    engine.engineVersion = { ...engine.engineVersion, kernelVersion: host.kernelRelease };
    expect(await checkArm64Engine(engine, await engine.version(), host, signal)).toMatchObject({
      status: 'ok',
      summary: expect.stringMatching(/shares this machine's kernel, where qemu-aarch64 registered/),
    });
    engine.engineVersion = { ...engine.engineVersion, kernelVersion: 'a-remote-kernel' };
    expect(await checkArm64Engine(engine, await engine.version(), host, signal)).toMatchObject({
      status: 'warn',
      summary: expect.stringMatching(/^not checked: .*another kernel \(a-remote-kernel\)/),
    });
    expect(engine.runs).toEqual([]);
  });

  it('an unreachable engine fails the engine check, and arm64 is not checked', async () => {
    const engine = new FakeEngine('tcp://127.0.0.1:9');
    engine.unreachable = true;
    const { check, version } = await checkEngine(engine, signal);
    expect(check).toMatchObject({
      id: 'engine',
      status: 'fail',
      summary: expect.stringMatching(/tcp:\/\/127\.0\.0\.1:9/),
    });
    expect(await checkArm64Engine(engine, version, host, signal)).toMatchObject({
      status: 'warn',
      summary: 'not checked: the engine did not answer',
    });
  });
});
