import { chmod, copyFile, lstat, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ET_DYN, ET_EXEC } from '../elf/constants.js';
import { readElfHeader } from '../elf/header.js';
import { JobFailedError, throwIfAborted } from '../errors.js';
import { globMatcher, type LayerIndex } from './match.js';
import type { BuildImageRunner } from './build-image-run.js';
import { NEVER_STRIP, NEVER_TOUCH } from './rules.js';
import { moveTo } from './side-store.js';

/** True for an ELF executable or shared object (not a relocatable .o, not a core file). */
export async function isStrippableElf(path: string): Promise<boolean> {
  const header = await readElfHeader(path);
  return header?.type === ET_EXEC || header?.type === ET_DYN;
}

/**
 * The ELF files strip may rewrite: regular files (links are left to their targets), outside
 * auditwheel's `*.libs/`, dist-info, the recipe's protected globs and paths earlier rules took.
 */
export async function stripCandidates(
  index: LayerIndex,
  root: string,
  protect: readonly string[],
  taken: Set<string>,
): Promise<string[]> {
  const excluded = globMatcher([...NEVER_STRIP, ...NEVER_TOUCH, ...protect]);
  const takenDirs = [...taken].map((t) => `${t}/`);
  const candidates: string[] = [];
  for (const entry of index.entries) {
    if (entry.type !== 'file' || entry.size < 18 || taken.has(entry.path)) continue;
    // The strip list has one path a line.
    if (entry.path.includes('\n')) continue;
    if (takenDirs.some((d) => entry.path.startsWith(d))) continue;
    if (excluded(entry.path)) continue;
    if (await isStrippableElf(join(root, entry.path))) candidates.push(entry.path);
  }
  return candidates;
}

/** What stripping did, with the means to undo and redo it. */
export interface StripResult {
  /** Files strip made smaller; the others were restored untouched. */
  files: string[];
  bytesSaved: number;
  revert(): Promise<void>;
  reapply(): Promise<void>;
}

/** Strips every file in the list, one a line; fails when any strip fails. */
const STRIP_SCRIPT = [
  'status=0',
  'while IFS= read -r file; do strip --strip-unneeded "$file" || status=1; done < /layerforge-prune/strip-list',
  'exit $status',
].join('\n');

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
  }
  const files: string[] = [];
  let bytesSaved = 0;
  for (const path of candidates) {
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
