import type { Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { UserError, throwIfAborted } from '../errors.js';
import type { EventSink } from '../events.js';
import { ignoreEvents } from '../events.js';
import { checkLibraries, isLoadableFor } from './check-elf.js';
import { checkForeignArchitectures } from './check-foreign-arch.js';
import { checkLayout } from './check-layout.js';
import { checkPython } from './check-python.js';
import { checkSize } from './check-size.js';
import { countBySeverity, sortFindings } from './findings.js';
import { readLayerDir } from '../layer/read-layer-dir.js';
import type { LayerTree } from '../layer/entry.js';
import { readLayerZip } from '../layer/read-layer-zip.js';
import { analyseLoads } from './load-graph.js';
import { Owners } from './owners.js';
import { LibraryResolver } from './resolve-library.js';
import { scanElfFiles } from './scan-elf.js';
import type { AuditFinding, AuditResult, AuditTarget } from './types.js';
import { versionLimits } from './version-limits.js';

export interface AuditOptions {
  sink?: EventSink;
  signal?: AbortSignal;
  /** Files parsed at once; the default suits a 2-core machine. */
  concurrency?: number;
}

/** Opens a layer given as a folder (laid out as it lands in /opt) or as a zip. */
export async function openLayer(path: string, signal?: AbortSignal): Promise<LayerTree> {
  let stats: Stats;
  try {
    stats = await stat(path);
  } catch (cause) {
    throw new UserError(`no layer at ${path}`, {
      cause,
      hint: 'give the path of a layer zip or of a folder laid out as /opt',
    });
  }
  if (stats.isDirectory()) return readLayerDir(path, signal);
  // A FIFO would block the open below; a device such as /dev/zero never ends.
  if (!stats.isFile()) {
    throw new UserError(`${path} is not a regular file`, {
      hint: 'audit a layer zip or the folder it was made from',
    });
  }
  const handle = await open(path, 'r');
  const head = Buffer.alloc(4);
  try {
    await handle.read(head, 0, 4, 0);
  } finally {
    await handle.close();
  }
  // Local file header, or the end record of an empty zip.
  if (head.readUInt32LE(0) !== 0x04034b50 && head.readUInt32LE(0) !== 0x06054b50) {
    throw new UserError(`${path} is neither a zip nor a folder`, {
      hint: 'audit a layer zip or the folder it was made from',
    });
  }
  return readLayerZip(path, signal);
}

/**
 * Audits a layer for the target runtime, arch and OS: ELF architecture, glibc and libstdc++
 * symbol versions, shared libraries resolved as Lambda's loader would, Python ABI and wheel
 * tags, and layout (search paths, modes, symlinks). Emits `audit.finding` for each finding, in
 * order, then `audit.done`. Nothing is changed; temporary files of a zip are removed.
 */
export async function auditLayer(
  path: string,
  target: AuditTarget,
  options: AuditOptions = {},
): Promise<AuditResult> {
  const started = performance.now();
  const sink = options.sink ?? ignoreEvents;
  const tree = await openLayer(path, options.signal);
  try {
    const scan = await scanElfFiles(tree, options.signal, options.concurrency);
    throwIfAborted(options.signal);
    const owners = await Owners.load(tree);
    const resolver = new LibraryResolver(tree.entries, scan.elfs, target.systemLibraries);
    const limits = versionLimits()[target.os.id];
    const loads = analyseLoads(scan.elfs, tree.entries, resolver, (p) => {
      const elf = scan.elfs.get(p);
      return elf !== undefined && isLoadableFor(elf, target);
    });
    const raw: AuditFinding[] = [
      ...checkForeignArchitectures(scan.elfs, loads, target),
      ...checkLibraries(scan.elfs, { target, resolver, loads, owners, limits }),
      ...(await checkPython(tree, target, owners)),
      ...checkLayout(tree, scan.elfs, target),
      ...scan.unreadable.map(({ path: file, message }): AuditFinding => ({
        severity: 'error',
        code: 'unreadable-elf',
        file,
        reason: `starts like an ELF file but cannot be read (${message})`,
        hint: 'rebuild or remove it: a damaged library fails when it is loaded',
      })),
      ...checkSize(tree),
    ];
    if (limits?.name) {
      raw.push({
        severity: 'info',
        code: 'stand-in-base',
        file: '.',
        reason: `audited against ${target.os.name} (glibc ${target.os.glibc}), not ${target.runtime.os.name}, which ${target.runtime.id} runs on`,
        hint: `audit again with --os ${target.runtime.os.id} before publishing for ${target.runtime.id}`,
      });
    }
    const findings = sortFindings(raw);
    for (const finding of findings) sink({ type: 'audit.finding', finding });
    let filesChecked = 0;
    for (const entry of tree.entries.values()) if (entry.type === 'file') filesChecked++;
    const ms = Math.round(performance.now() - started);
    const counts = countBySeverity(findings);
    sink({ type: 'audit.done', errors: counts.error, warnings: counts.warning, filesChecked, ms });
    return { findings, filesChecked, elfFiles: scan.elfs.size, ms };
  } finally {
    await tree.cleanup();
  }
}
