import { chmod, copyFile, lstat, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EM_AARCH64, EM_X86_64, ET_DYN, ET_EXEC, MACHINE_NAMES } from '../elf/constants.js';
import { readElfHeader, type ElfHeader } from '../elf/header.js';
import { JobFailedError, throwIfAborted } from '../errors.js';
import type { Architecture } from '../runtimes/catalog.js';
import { globMatcher, type LayerIndex } from './match.js';
import type { BuildImageRunner } from './build-image-run.js';
import { NEVER_STRIP, NEVER_TOUCH } from './rules.js';
import { moveTo } from './side-store.js';

/** True for an ELF executable or shared object (not a relocatable .o, not a core file). */
export async function isStrippableElf(path: string): Promise<boolean> {
  const header = await readElfHeader(path);
  return header?.type === ET_EXEC || header?.type === ET_DYN;
}

/** A file strip leaves as it is, and why: reported to the user, never a failure. */
export interface StripSkip {
  path: string;
  reason: string;
}

const TARGET_MACHINE = { x86_64: EM_X86_64, arm64: EM_AARCH64 } as const;

/**
 * Why the build image's strip (binutils for the target arch) cannot handle this ELF file, or
 * undefined when it can. Wheels and npm packages vendor programs for other machines (selenium
 * ships selenium-manager for linux-arm64 in its one wheel): strip refuses those files.
 */
function foreignMachine(header: ElfHeader, arch: Architecture): string | undefined {
  const { fields, machine } = header;
  if (machine === TARGET_MACHINE[arch] && fields.bits === 64 && fields.little) return undefined;
  const name = MACHINE_NAMES[machine] ?? `e_machine ${machine}`;
  return `built for ${name} (ELF${fields.bits}${fields.little ? '' : ', big-endian'}), not ${arch}: the build image's strip cannot read it`;
}

/**
 * The ELF files strip may rewrite: regular files (links are left to their targets), outside
 * auditwheel's `*.libs/`, dist-info, the recipe's protected globs and paths earlier rules took.
 * ELF files for another machine than `arch` are returned as `skipped`, with the reason.
 */
export async function stripCandidates(
  index: LayerIndex,
  root: string,
  protect: readonly string[],
  taken: Set<string>,
  arch: Architecture,
): Promise<{ candidates: string[]; skipped: StripSkip[] }> {
  const excluded = globMatcher([...NEVER_STRIP, ...NEVER_TOUCH, ...protect]);
  const takenDirs = [...taken].map((t) => `${t}/`);
  const candidates: string[] = [];
  const skipped: StripSkip[] = [];
  for (const entry of index.entries) {
    if (entry.type !== 'file' || entry.size < 18 || taken.has(entry.path)) continue;
    // The strip list has one path a line.
    if (entry.path.includes('\n')) continue;
    if (takenDirs.some((d) => entry.path.startsWith(d))) continue;
    if (excluded(entry.path)) continue;
    const header = await readElfHeader(join(root, entry.path));
    if (header?.type !== ET_EXEC && header?.type !== ET_DYN) continue;
    const foreign = foreignMachine(header, arch);
    if (foreign) skipped.push({ path: entry.path, reason: foreign });
    else candidates.push(entry.path);
  }
  return { candidates, skipped };
}

/** What stripping did, with the means to undo and redo it. */
export interface StripResult {
  /** Files strip made smaller; the others were restored untouched. */
  files: string[];
  /** Files strip refused (an unknown format, a damaged file), left as they were. */
  skipped: StripSkip[];
  bytesSaved: number;
  revert(): Promise<void>;
  reapply(): Promise<void>;
}

/** The marker of a line that reports a file strip refused: `<marker> <line number> <message>`. */
const REFUSED = 'layerforge-strip-refused';

/**
 * Strips every file in the list, one a line. A file strip refuses is reported by its line
 * number with strip's message, and the loop goes on; only a build image without strip fails.
 */
const STRIP_SCRIPT = [
  'command -v strip >/dev/null || { echo "strip: not found in the build image" >&2; exit 127; }',
  'n=0',
  'while IFS= read -r file; do',
  '  n=$((n + 1))',
  '  if ! message=$(strip --strip-unneeded "$file" 2>&1); then',
  `    printf '${REFUSED} %s %s\\n' "$n" "$(printf '%s' "$message" | tr '\\n' ' ')"`,
  '  fi',
  'done < /layerforge-prune/strip-list',
].join('\n');

/** The files the script reported as refused, by their place in `candidates`. */
function refusedFiles(output: readonly string[], candidates: readonly string[]): Map<string, string> {
  const refused = new Map<string, string>();
  for (const line of output) {
    const match = new RegExp(`^${REFUSED} (\\d+) (.*)$`).exec(line);
    const path = match ? candidates[Number(match[1]) - 1] : undefined;
    if (match && path !== undefined) {
      // strip names the file with its /opt path; the layer path says it already.
      const message = (match[2] ?? '').replace(/^strip: /, '').trim();
      refused.set(path, `strip refused it: ${message || 'no message'}`);
    }
  }
  return refused;
}

/**
 * Strips `candidates` with the build image's `strip --strip-unneeded`. Each original is first
 * moved to `sideDir/original` (keeping its inode and mode) and a copy stripped in its place;
 * the stripped file moves to `sideDir/stripped` whenever the rule is reverted.
 */
export async function stripFiles(
  root: string,
  sideDir: string,
  candidates: readonly string[],
  run: BuildImageRunner,
  signal?: AbortSignal,
): Promise<StripResult> {
  const original = (p: string) => join(sideDir, 'original', p);
  const stripped = (p: string) => join(sideDir, 'stripped', p);
  const before = new Map<string, number>();
  for (const path of candidates) {
    throwIfAborted(signal);
    const stats = await lstat(join(root, path));
    before.set(path, stats.size);
    await moveTo(join(root, path), original(path));
    await copyFile(original(path), join(root, path));
    await chmod(join(root, path), stats.mode & 0o7777);
  }
  let refused = new Map<string, string>();
  if (candidates.length > 0) {
    const list = join(sideDir, 'strip-list');
    await writeFile(list, candidates.map((p) => `/opt/${p}\n`).join(''));
    // A shell loop, not xargs: the AL2023 build images may lack findutils (xargs is in it).
    const result = await run(STRIP_SCRIPT, {
      purpose: 'prune',
      mounts: [{ hostPath: sideDir, containerPath: '/layerforge-prune', readOnly: true }],
      signal,
    });
    if (result.exitCode !== 0) {
      // Put every original back before failing: the layer must be as the build left it.
      for (const path of candidates) await rename(original(path), join(root, path));
      throw new JobFailedError(`strip failed in the build image (exit code ${result.exitCode})`, {
        details: result.output.slice(-20),
        hint: 'skip the rule for this recipe with `prune: { skip: [strip] }`, or protect the file with prune.protect',
      });
    }
    refused = refusedFiles(result.output, candidates);
  }
  const files: string[] = [];
  let bytesSaved = 0;
  for (const path of candidates) {
    if (refused.has(path)) {
      // strip writes to a temporary file and renames it, but put the original bytes back anyway.
      await rename(original(path), join(root, path));
      continue;
    }
    const after = (await lstat(join(root, path))).size;
    const saved = (before.get(path) ?? after) - after;
    if (saved > 0) {
      files.push(path);
      bytesSaved += saved;
    } else {
      // Already stripped: keep the original bytes rather than strip's rewrite of them.
      await rename(original(path), join(root, path));
    }
  }
  return {
    files,
    skipped: [...refused].map(([path, reason]) => ({ path, reason })),
    bytesSaved,
    async revert() {
      for (const path of files) {
        await moveTo(join(root, path), stripped(path));
        await moveTo(original(path), join(root, path));
      }
    },
    async reapply() {
      for (const path of files) {
        await moveTo(join(root, path), original(path));
        await moveTo(stripped(path), join(root, path));
      }
    },
  };
}
