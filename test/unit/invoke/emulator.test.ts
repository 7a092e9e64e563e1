import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import {
  RIE_MODULE,
  RIE_VERSION,
  findEmulator,
  readElfInfo,
  rieInstallCommand,
} from '../../../src/core/invoke/emulator.js';
import { tempDir } from '../../support/temp-dir.js';

let work = '';
beforeEach(async () => {
  work = await tempDir('layerforge-rie-');
});

/** A minimal 64-bit little-endian ELF header: the machine, and one program header (PT_INTERP when dynamic). */
async function elf(path: string, machine: number, dynamic = false): Promise<string> {
  const header = Buffer.alloc(64 + 56);
  header.writeUInt32BE(0x7f454c46, 0);
  header[4] = 2; // 64-bit
  header[5] = 1; // little-endian
  header[6] = 1;
  header.writeUInt16LE(2, 16); // ET_EXEC
  header.writeUInt16LE(machine, 18);
  header.writeBigUInt64LE(64n, 32); // e_phoff
  header.writeUInt16LE(56, 54); // e_phentsize
  header.writeUInt16LE(1, 56); // e_phnum
  header.writeUInt32LE(dynamic ? 3 : 1, 64); // PT_INTERP or PT_LOAD
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, header);
  await chmod(path, 0o755);
  return path;
}

const X86_64 = 0x3e;
const AARCH64 = 0xb7;

describe('readElfInfo', () => {
  it('tells the machine and whether a loader is needed', async () => {
    expect(await readElfInfo(await elf(join(work, 'a'), X86_64))).toEqual({ arch: 'x86_64', dynamic: false });
    expect(await readElfInfo(await elf(join(work, 'b'), AARCH64, true))).toEqual({
      arch: 'arm64',
      dynamic: true,
    });
    await writeFile(
      join(work, 'script'),
      '#!/bin/sh\necho not elf, but long enough to fill a whole header of sixty-four bytes\n',
    );
    expect(await readElfInfo(join(work, 'script'))).toBeUndefined();
  });
});

describe('findEmulator', () => {
  const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    PATH: join(work, 'empty'),
    HOME: join(work, 'home'),
    ...extra,
  });

  it('uses --rie first, relative to the working directory', async () => {
    await elf(join(work, 'tools/aws-lambda-rie'), X86_64);
    const found = await findEmulator({
      rie: 'tools/aws-lambda-rie',
      env: env({ LAYERFORGE_RIE: '/nonexistent' }),
      cwd: work,
      arch: 'x86_64',
    });
    expect(found).toEqual({ path: join(work, 'tools/aws-lambda-rie'), dynamic: false });
  });

  it('then $LAYERFORGE_RIE, then PATH, then ~/go/bin and its linux_arm64 folder for cross builds', async () => {
    const fromEnv = await elf(join(work, 'env-rie'), X86_64);
    expect(
      (await findEmulator({ env: env({ LAYERFORGE_RIE: fromEnv }), cwd: work, arch: 'x86_64' })).path,
    ).toBe(fromEnv);
    const onPath = await elf(join(work, 'bin/aws-lambda-rie'), X86_64);
    expect(
      (
        await findEmulator({
          env: env({ PATH: `${join(work, 'empty')}:${join(work, 'bin')}` }),
          cwd: work,
          arch: 'x86_64',
        })
      ).path,
    ).toBe(onPath);
    const cross = await elf(join(work, 'home/go/bin/linux_arm64/aws-lambda-rie'), AARCH64);
    expect((await findEmulator({ env: env(), cwd: work, arch: 'arm64' })).path).toBe(cross);
  });

  it('skips a binary for the wrong arch and says so', async () => {
    await elf(join(work, 'home/go/bin/aws-lambda-rie'), X86_64);
    const error = await findEmulator({ env: env(), cwd: work, arch: 'arm64' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).details).toEqual([
      `skipped ${join(work, 'home/go/bin/aws-lambda-rie')}: built for x86_64, the function runs on arm64`,
    ]);
  });

  it('a missing emulator is a UserError whose hint is the exact install command for the arch', async () => {
    const error = (await findEmulator({ env: env(), cwd: work, arch: 'arm64' }).catch(
      (e: unknown) => e,
    )) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(
      "AWS's Lambda Runtime Interface Emulator (aws-lambda-rie) for arm64 was not found",
    );
    expect(error.hint).toBe(
      `install it with \`CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go install ${RIE_MODULE}@${RIE_VERSION}\`, or pass its path with --rie or LAYERFORGE_RIE`,
    );
  });

  it('an explicit path that is not an emulator for the arch is refused', async () => {
    await writeFile(join(work, 'not-elf'), 'x'.repeat(100));
    await expect(
      findEmulator({ rie: join(work, 'not-elf'), env: env(), cwd: work, arch: 'x86_64' }),
    ).rejects.toThrow(/cannot be used: not a Linux ELF binary/);
    await expect(
      findEmulator({ rie: join(work, 'missing'), env: env(), cwd: work, arch: 'x86_64' }),
    ).rejects.toThrow(/cannot be used: no such file/);
  });

  it('the install command pins the version and builds static', () => {
    expect(rieInstallCommand('x86_64', 'v9')).toBe(
      `CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go install ${RIE_MODULE}@v9`,
    );
  });
});
