import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { EM_AARCH64, EM_X86_64, PT_INTERP } from '../elf/constants.js';
import { readElfHeader } from '../elf/header.js';
import { UserError } from '../errors.js';
import { isFile } from '../fs/is-file.js';
import type { Architecture } from '../runtimes/catalog.js';

/** AWS's Lambda Runtime Interface Emulator, a Go module. */
export const RIE_MODULE = 'github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie';
/**
 * The pinned pseudo-version `go install` fetches. The Go module proxy serves this module at exact
 * pseudo-versions only (`@latest` and short commit ids are refused), and this one carries the
 * github.com module path. Override with $LAYERFORGE_RIE_VERSION.
 */
export const RIE_VERSION = 'v0.0.0-20261030222936-bef5c4ba774d';

const GOARCH: Record<Architecture, string> = { x86_64: 'amd64', arm64: 'arm64' };
const ELF_MACHINE: Record<number, Architecture> = { [EM_X86_64]: 'x86_64', [EM_AARCH64]: 'arm64' };

/**
 * The exact command that installs the emulator for `arch`: static (the runtime images have
 * another libc than the host), cross-compiled for arm64 (go then installs into ~/go/bin/linux_arm64).
 */
export function rieInstallCommand(arch: Architecture, version = RIE_VERSION): string {
  return `CGO_ENABLED=0 GOOS=linux GOARCH=${GOARCH[arch]} go install ${RIE_MODULE}@${version}`;
}

/** The two facts about an emulator binary that decide whether it can run in the function's container. */
export interface ElfInfo {
  arch: Architecture | undefined;
  /** Has a PT_INTERP program header: it needs a dynamic loader and the host's libc. */
  dynamic: boolean;
}

/** Reads an ELF header: the machine and whether it is dynamically linked. Undefined when not ELF. */
export async function readElfInfo(path: string): Promise<ElfInfo | undefined> {
  const header = await readElfHeader(path);
  if (!header) return undefined;
  return {
    arch: ELF_MACHINE[header.machine],
    dynamic: header.segments.some((segment) => segment.type === PT_INTERP),
  };
}

/** Where to look, in order: PATH, then where `go install` and AWS's README put it. */
export function emulatorCandidates(env: NodeJS.ProcessEnv, arch: Architecture): string[] {
  const home = env.HOME ?? homedir();
  const gopath = (env.GOPATH ?? join(home, 'go')).split(delimiter)[0] ?? join(home, 'go');
  const name = 'aws-lambda-rie';
  const fromPath = (env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir.length > 0)
    .map((dir) => join(dir, name));
  return [
    ...fromPath,
    ...(env.GOBIN ? [join(env.GOBIN, name)] : []),
    join(gopath, 'bin', name),
    join(gopath, 'bin', `linux_${GOARCH[arch]}`, name),
    join(home, '.aws-lambda-rie', name),
  ];
}

/** An emulator binary that fits the function's arch. */
export interface FoundEmulator {
  path: string;
  dynamic: boolean;
}

async function check(
  path: string,
  arch: Architecture,
): Promise<{ ok: true; found: FoundEmulator } | { ok: false; why: string }> {
  if (!(await isFile(path))) return { ok: false, why: 'no such file' };
  const elf = await readElfInfo(path);
  if (!elf) return { ok: false, why: 'not a Linux ELF binary' };
  if (elf.arch !== arch)
    return { ok: false, why: `built for ${elf.arch ?? 'another machine'}, the function runs on ${arch}` };
  return { ok: true, found: { path, dynamic: elf.dynamic } };
}

/**
 * Finds the emulator binary for `arch`: `--rie`, else $LAYERFORGE_RIE, else the usual places.
 * A missing or unusable one is a UserError whose hint is the command that installs it.
 */
export async function findEmulator(options: {
  rie?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  arch: Architecture;
}): Promise<FoundEmulator> {
  const { env, arch } = options;
  const install = rieInstallCommand(arch, env.LAYERFORGE_RIE_VERSION ?? RIE_VERSION);
  const explicit = options.rie ?? env.LAYERFORGE_RIE;
  if (explicit) {
    const path = resolve(options.cwd, explicit);
    const result = await check(path, arch);
    if (result.ok) return result.found;
    throw new UserError(`the emulator ${path} cannot be used: ${result.why}`, {
      hint: `install AWS's Runtime Interface Emulator with \`${install}\` and pass its path with --rie or LAYERFORGE_RIE`,
    });
  }
  const rejected: string[] = [];
  for (const path of emulatorCandidates(env, arch)) {
    const result = await check(path, arch);
    if (result.ok) return result.found;
    if (result.why !== 'no such file') rejected.push(`${path}: ${result.why}`);
  }
  throw new UserError(`AWS's Lambda Runtime Interface Emulator (aws-lambda-rie) for ${arch} was not found`, {
    hint: `install it with \`${install}\`, or pass its path with --rie or LAYERFORGE_RIE`,
    details: rejected.map((line) => `skipped ${line}`),
  });
}
