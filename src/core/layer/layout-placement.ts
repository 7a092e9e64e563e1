import { getRuntime } from '../runtimes/catalog.js';
import type { LayerEntry, LayerListing } from './entry.js';
import type { LayoutFinding } from './layout-rules.js';
import { outsidePrefix, placePath } from './search-paths.js';

const FAMILY_DIRS: Record<string, string> = {
  python: 'Python',
  nodejs: 'Node.js',
  ruby: 'Ruby',
  java: 'Java',
};
const CODE_FILE = /\.(py|pyc|so(\.\d+)*|js|mjs|cjs|node|rb|jar)$/;

/**
 * Files (and links) outside every path the runtime searches, one finding per outermost such
 * folder; and language-version folders (`python/lib/python3.11`) another version ignores.
 */
export function placementFindings(
  listing: LayerListing,
  options: { runtime: string | undefined; searched: readonly string[] },
): LayoutFinding[] {
  const outside = new Map<string, LayerEntry[]>();
  for (const entry of listing.values()) {
    // Folders alone hold nothing a runtime could miss; their files are grouped under them.
    if (entry.type === 'dir' || placePath(entry.path, options.searched) !== 'outside') continue;
    const key = outsidePrefix(entry.path, options.searched);
    const group = outside.get(key);
    if (group) group.push(entry);
    else outside.set(key, [entry]);
  }
  const findings = [...outside].map(([key, group]) => placementFinding(key, group, options.runtime));
  if (options.runtime !== undefined) findings.push(...otherVersionFindings(listing, options.runtime));
  return findings;
}

function placementFinding(
  key: string,
  group: readonly LayerEntry[],
  runtime: string | undefined,
): LayoutFinding {
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
  if (runtime !== undefined && /^nodejs\/node\d+$/.test(key)) {
    return {
      severity: 'warning',
      code: 'outside-runtime-paths',
      file: key,
      reason: `${key}/ is another Node.js version's folder: ${runtime} does not search it`,
      hint: `rebuild the layer for ${runtime}, or install into nodejs/node_modules so any version finds it`,
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
function otherVersionFindings(listing: LayerListing, runtime: string): LayoutFinding[] {
  const info = getRuntime(runtime);
  if (info.family !== 'python') return [];
  const versions = new Set<string>();
  for (const path of listing.keys()) {
    const match = /^python\/lib\/python(\d+\.\d+)\//.exec(path);
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
