import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DoctorCheck, HostFacts } from './types.js';

/** The ELF header bytes binfmt_misc matches for an aarch64 executable (as qemu's registration has them). */
const AARCH64_MAGIC = '7f454c460201010000000000000000000200b700';

const INSTALL_HINT =
  "install QEMU's user emulation, which registers qemu-aarch64 with the kernel (Debian: `sudo apt-get install qemu-user-static`)";

/** One entry of /proc/sys/fs/binfmt_misc. */
export interface BinfmtEntry {
  name: string;
  enabled: boolean;
  interpreter: string;
  /** `F` (fix binary: the kernel opens the interpreter once, so it works inside containers), `P`, `O`, `C`. */
  flags: string;
  magic: string;
}

export function parseBinfmtEntry(name: string, text: string): BinfmtEntry {
  const field = (key: string) => new RegExp(`^${key}:?\\s+(.*)$`, 'm').exec(text)?.[1]?.trim() ?? '';
  return {
    name,
    enabled: /^enabled$/m.test(text),
    interpreter: field('interpreter'),
    flags: field('flags'),
    magic: field('magic').toLowerCase(),
  };
}

/** The registered handler for aarch64 executables, whatever it is called. */
export async function findAarch64Handler(binfmtDir: string): Promise<BinfmtEntry | undefined> {
  let names: string[];
  try {
    names = await readdir(binfmtDir);
  } catch {
    return undefined;
  }
  for (const name of names.sort()) {
    if (name === 'register' || name === 'status') continue;
    const text = await readFile(join(binfmtDir, name), 'utf8').catch(() => '');
    const entry = parseBinfmtEntry(name, text);
    if (entry.magic === AARCH64_MAGIC) return entry;
  }
  return undefined;
}

/** What the host's registration means for arm64: ok, or why not (with the fix). */
export type Aarch64Support = { ok: true; summary: string } | { ok: false; summary: string; hint: string };

/**
 * Whether this machine runs aarch64 programs: natively, or through QEMU registered with
 * binfmt_misc. debootstrap --arch=arm64 needs it here; arm64 containers need it on the engine's
 * machine (which is this one when the engine shares its kernel).
 */
export async function aarch64Support(host: HostFacts): Promise<Aarch64Support> {
  if (host.arch === 'arm64') return { ok: true, summary: 'this machine is arm64: no emulation needed' };
  if (host.platform !== 'linux') {
    return {
      ok: false,
      summary: `no binfmt_misc on ${host.platform}`,
      hint: 'build arm64 stand-in root file systems on a Linux machine, or use the official images',
    };
  }
  if (!existsSync(join(host.binfmtDir, 'status'))) {
    return {
      ok: false,
      summary: `binfmt_misc is not mounted at ${host.binfmtDir}`,
      hint: `\`sudo mount -t binfmt_misc binfmt_misc ${host.binfmtDir}\`, then ${INSTALL_HINT}`,
    };
  }
  const handler = await findAarch64Handler(host.binfmtDir);
  if (!handler)
    return { ok: false, summary: 'no handler for aarch64 programs is registered', hint: INSTALL_HINT };
  const path = join(host.binfmtDir, handler.name);
  if (!handler.enabled) {
    return {
      ok: false,
      summary: `${handler.name} is registered but disabled`,
      hint: `\`echo 1 | sudo tee ${path}\``,
    };
  }
  if (!existsSync(handler.interpreter)) {
    return {
      ok: false,
      summary: `${handler.name}'s interpreter ${handler.interpreter} does not exist`,
      hint: INSTALL_HINT,
    };
  }
  if (!handler.flags.includes('F')) {
    return {
      ok: false,
      summary: `${handler.name} is registered without the F flag: inside a container its interpreter ${handler.interpreter} is missing, so arm64 containers fail with "exec format error"`,
      hint: `register it again with the F flag: \`echo -1 | sudo tee ${path}\`, then register qemu-aarch64-static with flags F (qemu-user-static's registration does)`,
    };
  }
  return {
    ok: true,
    summary: `${handler.name} registered: ${handler.interpreter}, flags ${handler.flags}`,
  };
}

/** The check of this machine: debootstrap --arch=arm64 runs arm64 programs here. */
export async function checkArm64Host(host: HostFacts): Promise<DoctorCheck> {
  const support = await aarch64Support(host);
  return {
    id: 'arm64-host',
    where: 'host',
    status: support.ok ? 'ok' : 'warn',
    summary: support.ok ? support.summary : `${support.summary} (arm64 stand-in root file systems need it)`,
    ...(support.ok ? {} : { hint: support.hint }),
  };
}
