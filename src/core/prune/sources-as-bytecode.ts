import { join, posix } from 'node:path';
import { globMatcher, type LayerIndex } from './match.js';
import { NEVER_TOUCH } from './rules.js';
import { moveOut, moveTo } from './side-store.js';

/** The change `--bytecode pyc-only` makes, undoable like any rule. */
export interface SourcesAsBytecode {
  modules: number;
  bytesSaved: number;
  apply(): Promise<void>;
  revert(): Promise<void>;
}

/**
 * For every `dir/x.py` under python/ with a compiled `dir/__pycache__/x.<cacheTag>.pyc`: the
 * bytecode moves to `dir/x.pyc` (the legacy, sourceless location Python imports from when no
 * source is there) and the source goes to the side folder. The bytecode was compiled from the
 * `/opt/python/...` path, so tracebacks still name the file, but show no source lines.
 */
export async function sourcesAsBytecode(
  index: LayerIndex,
  root: string,
  sideDir: string,
  options: { protect: readonly string[]; taken: Set<string>; cacheTag: string },
): Promise<SourcesAsBytecode> {
  const present = new Set(index.entries.filter((e) => e.type === 'file').map((e) => e.path));
  const takenDirs = [...options.taken].map((t) => `${t}/`);
  const excluded = globMatcher([...NEVER_TOUCH, ...options.protect]);
  const modules: { source: string; cached: string; legacy: string; bytes: number }[] = [];
  for (const entry of index.entries) {
    const { path } = entry;
    if (entry.type !== 'file' || !path.startsWith('python/') || !path.endsWith('.py')) continue;
    if (options.taken.has(path) || takenDirs.some((d) => path.startsWith(d))) continue;
    if (excluded(path)) continue;
    const dir = posix.dirname(path);
    const stem = posix.basename(path, '.py');
    const cached = `${dir}/__pycache__/${stem}.${options.cacheTag}.pyc`;
    const legacy = `${dir}/${stem}.pyc`;
    // A shipped legacy .pyc beside the source is somebody's on purpose: leave both alone.
    if (!present.has(cached) || present.has(legacy) || options.taken.has(`${dir}/__pycache__`)) continue;
    modules.push({ source: path, cached, legacy, bytes: entry.size });
  }
  return {
    modules: modules.length,
    bytesSaved: modules.reduce((sum, m) => sum + m.bytes, 0),
    async apply() {
      for (const m of modules) {
        await moveOut(join(root, m.cached), join(root, m.legacy), root);
        await moveOut(join(root, m.source), join(sideDir, m.source), root);
      }
    },
    async revert() {
      for (const m of [...modules].reverse()) {
        await moveTo(join(sideDir, m.source), join(root, m.source));
        await moveTo(join(root, m.legacy), join(root, m.cached));
      }
    },
  };
}
