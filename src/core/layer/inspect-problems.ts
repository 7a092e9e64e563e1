import type { AuditCode, AuditSeverity } from '../audit/types.js';
import { getRuntime } from '../runtimes/catalog.js';
import { isUnsafeEntryName } from './link.js';
import type { SymlinkInfo } from './link-check.js';
import { isWorldReadable, octal } from './modes.js';
import type { ZipEntryInfo } from './read-zip.js';
import { outsidePrefix, placePath } from './search-paths.js';

/** Codes inspect reports: the audit's, plus what only a zip can get wrong. */
export type LayerProblemCode = AuditCode | 'unsafe-entry-name' | 'duplicate-entry' | 'no-unix-modes';

/** One thing wrong with a layer zip; the same shape as an audit finding. */
export interface LayerProblem {
  severity: AuditSeverity;
  code: LayerProblemCode;
  /** The entry (or group of entries, e.g. `numpy`) as it lands under /opt. */
  file: string;
  reason: string;
  hint: string;
}

const FAMILY_DIRS: Record<string, string> = {
  python: 'Python',
  nodejs: 'Node.js',
  ruby: 'Ruby',
  java: 'Java',
};
const CODE_FILE = /\.(py|pyc|so(\.\d+)*|js|mjs|cjs|node|rb|jar)$/;

/** Every rule inspect applies to a zip's entries, in entry order. */
export function findProblems(
  entries: readonly ZipEntryInfo[],
  symlinks: readonly SymlinkInfo[],
  options: { runtime?: string; searched: readonly string[] },
): LayerProblem[] {
  const problems: LayerProblem[] = [];
  const seen = new Set<string>();
  const outside = new Map<string, ZipEntryInfo[]>();
  for (const entry of entries) {
    if (isUnsafeEntryName(entry.path)) {
      problems.push({
        severity: 'error',
        code: 'unsafe-entry-name',
        file: entry.path,
        reason: 'the entry name is absolute or contains "..": it would be written outside /opt',
        hint: 'rebuild the zip from inside the layer folder (cd layer && zip -r -y ../layer.zip .)',
      });
      continue;
    }
    if (seen.has(entry.path)) {
      problems.push({
        severity: 'warning',
        code: 'duplicate-entry',
        file: entry.path,
        reason: 'the zip holds this path more than once; the last copy wins when it is extracted',
        hint: 'rebuild the zip from a clean folder',
      });
    }
    seen.add(entry.path);
    problems.push(...modeProblems(entry));
    if (placePath(entry.path, options.searched) === 'outside') {
      const key = outsidePrefix(entry.path, options.searched);
      const group = outside.get(key);
      if (group) group.push(entry);
      else outside.set(key, [entry]);
    }
  }
  problems.push(...linkProblems(symlinks));
  for (const [key, group] of outside) problems.push(placementProblem(key, group, options.runtime));
  if (options.runtime !== undefined) problems.push(...pythonVersionProblems(entries, options.runtime));
  const withoutModes = entries.filter((e) => !e.modeKnown);
  if (withoutModes.length > 0) {
    problems.push({
      severity: 'warning',
      code: 'no-unix-modes',
      file: withoutModes[0]?.path ?? '',
      reason: `${withoutModes.length} entries carry no unix permissions (zip made on Windows or by a tool that drops them): executables lose their exec bit`,
      hint: 'rebuild the zip on Linux with `zip -r -y` or `layerforge build`',
    });
  }
  return problems;
}

/** Lambda refuses a function whose layers unzip to more than its limit: no layer may alone. */
export function tooLargeProblem(unzippedBytes: number, limitBytes: number): LayerProblem {
  return {
    severity: 'error',
    code: 'layer-too-large',
    file: '.',
    reason: `${unzippedBytes} bytes unzipped, over Lambda's limit of ${limitBytes} bytes (250 MB) for a function and all its layers`,
    hint: 'prune the layer (tests, docs, unused packages) or split it across several layers',
  };
}

function modeProblems(entry: ZipEntryInfo): LayerProblem[] {
  if (!entry.modeKnown) return [];
  if (!isWorldReadable(entry.type, entry.mode)) {
    return [
      {
        severity: 'error',
        code: 'not-world-readable',
        file: entry.path,
        reason: `mode ${octal(entry.mode)}: Lambda runs the function as a non-root user, which cannot ${entry.type === 'dir' ? 'enter this directory' : 'read this file'}`,
        hint: `chmod ${entry.type === 'dir' ? '755' : 'a+r'} it before zipping (layerforge build does this for you)`,
      },
    ];
  }
  const executable = (entry.mode & 0o111) !== 0;
  if (
    entry.type === 'file' &&
    !executable &&
    (entry.path === 'bootstrap' || /^bin\/[^/]+$/.test(entry.path))
  ) {
    return [
      {
        severity: entry.path === 'bootstrap' ? 'error' : 'warning',
        code: 'not-executable',
        file: entry.path,
        reason: `mode ${octal(entry.mode)}: ${entry.path === 'bootstrap' ? 'Lambda cannot start a custom runtime whose bootstrap is not executable' : 'a tool on PATH without an exec bit cannot be run'}`,
        hint: 'chmod 755 it before zipping',
      },
    ];
  }
  return [];
}

function linkProblems(symlinks: readonly SymlinkInfo[]): LayerProblem[] {
  return symlinks.flatMap((link): LayerProblem[] => {
    const where = `${link.path} -> ${link.target}`;
    switch (link.status) {
      case 'ok':
        return [];
      case 'absolute':
      case 'escapes':
        return [
          {
            severity: 'error',
            code: 'escaping-symlink',
            file: link.path,
            reason: `${where} ${link.status === 'absolute' ? 'is absolute' : 'climbs out of the layer'}: on Lambda it points outside /opt`,
            hint: 'make the link relative to a file inside the layer, or copy the file into the layer',
          },
        ];
      case 'dangling':
      case 'loop':
        return [
          {
            severity: 'warning',
            code: 'dangling-symlink',
            file: link.path,
            reason: `${where} ${link.status === 'loop' ? 'loops' : 'points at nothing in the layer'}`,
            hint: 'add the file it points to, or drop the link',
          },
        ];
    }
  });
}

function placementProblem(
  key: string,
  group: readonly ZipEntryInfo[],
  runtime: string | undefined,
): LayerProblem {
  const paths = new Set(group.map((e) => e.path));
  const who = runtime ?? 'any Lambda runtime';
  const atRoot = !key.includes('/');
  const pythonAtRoot =
    atRoot &&
    (paths.has(`${key}/__init__.py`) ||
      /\.(dist-info|egg-info)$/.test(key) ||
      /\.py$|\.cpython-[^/]*\.so$/.test(key));
  if (pythonAtRoot) {
    return {
      severity: 'error',
      code: 'outside-runtime-paths',
      file: key,
      reason: `a Python package at the root of the zip: it lands in /opt/${key}, which ${who} does not put on sys.path`,
      hint: 'put Python packages under python/ (or python/lib/python3.X/site-packages/): pip install --target python/',
    };
  }
  if (atRoot && key === 'node_modules') {
    return {
      severity: 'error',
      code: 'outside-runtime-paths',
      file: key,
      reason: `node_modules at the root of the zip: ${who} only resolves modules from /opt/nodejs/node_modules`,
      hint: 'move it to nodejs/node_modules/',
    };
  }
  if (key === 'bootstrap') {
    return {
      severity: 'warning',
      code: 'outside-runtime-paths',
      file: key,
      reason: `only custom runtimes (provided.*) start /opt/bootstrap; ${who} ignores it`,
      hint: 'drop it, or build the layer for a provided.* runtime',
    };
  }
  const family = FAMILY_DIRS[key];
  if (family !== undefined && runtime !== undefined) {
    return {
      severity: 'warning',
      code: 'outside-runtime-paths',
      file: key,
      reason: `${key}/ is searched by ${family} runtimes, not by ${runtime}`,
      hint: `check the layer was built for ${runtime}`,
    };
  }
  const code = group.some((e) => e.type === 'file' && (CODE_FILE.test(e.path) || (e.mode & 0o111) !== 0));
  return {
    severity: code ? 'warning' : 'info',
    code: 'outside-runtime-paths',
    file: key,
    reason: `${group.length === 1 ? `/opt/${key} is` : `${group.length} entries under /opt/${key} are`} outside every path ${who} searches${code ? ': code here is only found by absolute path' : ' (fine for data read by absolute path)'}`,
    hint: code
      ? 'put libraries in lib/, programs in bin/, and language packages where the runtime looks (python/, nodejs/node_modules/ …)'
      : 'nothing to do if the code reads it from /opt explicitly',
  };
}

/** `python/lib/python3.11/site-packages` is dead weight for python3.12. */
function pythonVersionProblems(entries: readonly ZipEntryInfo[], runtime: string): LayerProblem[] {
  const info = getRuntime(runtime);
  if (info.family !== 'python') return [];
  const versions = new Set<string>();
  for (const entry of entries) {
    const match = /^python\/lib\/python(\d+\.\d+)\//.exec(entry.path);
    if (match?.[1] !== undefined && match[1] !== info.version) versions.add(match[1]);
  }
  return [...versions].map((version) => ({
    severity: 'warning' as const,
    code: 'outside-runtime-paths' as const,
    file: `python/lib/python${version}`,
    reason: `packages for Python ${version}: ${runtime} only searches python/ and python/lib/python${info.version}/site-packages`,
    hint: `rebuild the layer for ${runtime}, or install into python/ so any version finds pure-Python packages`,
  }));
}
