import { parse as parseToml } from 'smol-toml';
import { UserError } from '../errors.js';
import { parseRequirementsFile, type PythonRequirement } from './requirements-file.js';

// Lock files give the whole closure, each package pinned with the sha256 of every file it may be
// installed from: pip then runs with --require-hashes and no resolution of its own.

type Table = Record<string, unknown>;
const isTable = (v: unknown): v is Table => typeof v === 'object' && v !== null && !Array.isArray(v);
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function readToml(text: string, file: string): Table {
  try {
    return parseToml(text) as Table;
  } catch (error) {
    throw new UserError(
      `${file} is not valid TOML: ${error instanceof Error ? error.message : String(error)}`,
      {
        hint: 'regenerate it with the tool that wrote it',
      },
    );
  }
}

function sha256Of(hash: unknown): string | undefined {
  const m = /^sha256:([0-9a-f]{64})$/i.exec(str(hash) ?? '');
  return m?.[1]?.toLowerCase();
}

const withMarker = (spec: string, marker: string | undefined) =>
  marker && marker.trim() !== '' ? `${spec} ; ${marker}` : spec;

/** PEP 503 normalized name: how locks refer to each other's packages. */
export const normalizeName = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

/**
 * uv.lock: the packages reachable from the project's own (virtual or editable) entries through
 * `dependencies` and the extras they ask for; dev groups are left out. A package reached only
 * through edges with markers keeps their union as its marker.
 */
export function parseUvLock(text: string, file = 'uv.lock'): PythonRequirement[] {
  const lock = readToml(text, file);
  const packages = asArray(lock.package).filter(isTable);
  const byName = new Map(packages.map((p) => [normalizeName(str(p.name) ?? ''), p]));
  const isProject = (p: Table) => {
    const source = isTable(p.source) ? p.source : {};
    return 'virtual' in source || 'editable' in source || 'directory' in source;
  };
  const roots = packages.filter(isProject);
  if (roots.length === 0)
    throw new UserError(`${file} names no project of its own`, {
      hint: 'run `uv lock` in the project folder',
    });
  // name -> markers of the edges reaching it ('' = unconditional)
  const reached = new Map<string, Set<string>>();
  const seenExtras = new Set<string>();
  const queue: { name: string; extras: string[] }[] = roots.map((r) => ({
    name: normalizeName(str(r.name) ?? ''),
    extras: [],
  }));
  const edges = (p: Table, extras: string[]) => [
    ...asArray(p.dependencies),
    ...extras.flatMap((e) =>
      asArray(isTable(p['optional-dependencies']) ? p['optional-dependencies'][e] : []),
    ),
  ];
  while (queue.length > 0) {
    const { name, extras } = queue.shift() as { name: string; extras: string[] };
    const key = `${name}[${extras.join(',')}]`;
    if (seenExtras.has(key)) continue;
    seenExtras.add(key);
    const pkg = byName.get(name);
    if (!pkg)
      throw new UserError(`${file} names ${name} as a dependency but has no entry for it`, {
        hint: 'run `uv lock` again',
      });
    for (const dep of edges(pkg, extras).filter(isTable)) {
      const depName = normalizeName(str(dep.name) ?? '');
      const target = byName.get(depName);
      if (!target || isProject(target)) continue;
      const markers = reached.get(depName) ?? new Set<string>();
      markers.add(str(dep.marker) ?? '');
      reached.set(depName, markers);
      queue.push({ name: depName, extras: asArray(dep.extra).map(String) });
    }
  }
  return [...reached.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, markers]) => {
      const pkg = byName.get(name) as Table;
      const source = isTable(pkg.source) ? pkg.source : {};
      if (!('registry' in source))
        throw new UserError(
          `${file}: ${name} comes from ${Object.keys(source).join(', ') || 'no index'}, not a package index`,
          {
            hint: 'layers are built from packages on an index; publish it as a wheel or drop it from the lock',
          },
        );
      const files = [...asArray(pkg.wheels), ...(isTable(pkg.sdist) ? [pkg.sdist] : [])].filter(isTable);
      const hashes = files.map((f) => sha256Of(f.hash)).filter((h): h is string => h !== undefined);
      const marker = markers.has('') ? undefined : [...markers].map((m) => `(${m})`).join(' or ');
      return { spec: withMarker(`${name}==${str(pkg.version) ?? ''}`, marker), hashes };
    });
}

/** poetry.lock: the packages of the main group (Poetry 2: `groups`; Poetry 1: `category`). */
export function parsePoetryLock(text: string, file = 'poetry.lock'): PythonRequirement[] {
  const lock = readToml(text, file);
  return asArray(lock.package)
    .filter(isTable)
    .filter((p) => {
      const groups = asArray(p.groups).map(String);
      if (groups.length > 0) return groups.includes('main');
      return (str(p.category) ?? 'main') === 'main';
    })
    .map((p) => {
      const name = normalizeName(str(p.name) ?? '');
      const source = isTable(p.source) ? str(p.source.type) : undefined;
      if (source !== undefined && source !== 'legacy')
        throw new UserError(`${file}: ${name} comes from a ${source} source, not a package index`, {
          hint: 'layers are built from packages on an index; publish it as a wheel or drop it from the lock',
        });
      const markers = isTable(p.markers) ? str(p.markers.main) : str(p.markers);
      const hashes = asArray(p.files)
        .filter(isTable)
        .map((f) => sha256Of(f.hash))
        .filter((h): h is string => h !== undefined);
      return { spec: withMarker(`${name}==${str(p.version) ?? ''}`, markers), hashes };
    })
    .sort((a, b) => a.spec.localeCompare(b.spec));
}

/** Pipfile.lock: the `default` section (the `develop` one is for development). */
export function parsePipfileLock(text: string, file = 'Pipfile.lock'): PythonRequirement[] {
  let lock: unknown;
  try {
    lock = JSON.parse(text);
  } catch (error) {
    throw new UserError(
      `${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      {
        hint: 'regenerate it with `pipenv lock`',
      },
    );
  }
  const section = isTable(lock) && isTable(lock.default) ? lock.default : {};
  return Object.entries(section)
    .filter((e): e is [string, Table] => isTable(e[1]))
    .map(([name, p]) => {
      const version = str(p.version);
      if (!version)
        throw new UserError(`${file}: ${name} has no version (a path, VCS or file entry)`, {
          hint: 'layers are built from packages on an index; publish it as a wheel or drop it from the lock',
        });
      const extras = asArray(p.extras).map(String);
      const spec = `${normalizeName(name)}${extras.length > 0 ? `[${extras.join(',')}]` : ''}${version}`;
      const hashes = asArray(p.hashes)
        .map(sha256Of)
        .filter((h): h is string => h !== undefined);
      return { spec: withMarker(spec, str(p.markers)), hashes };
    })
    .sort((a, b) => a.spec.localeCompare(b.spec));
}

/** pyproject.toml without a lock: its name, version and `[project].dependencies` (PEP 621). */
export function parsePyproject(
  text: string,
  file = 'pyproject.toml',
): {
  name?: string;
  version?: string;
  requirements: PythonRequirement[];
} {
  const doc = readToml(text, file);
  const project = isTable(doc.project) ? doc.project : undefined;
  const poetry = isTable(doc.tool) && isTable(doc.tool.poetry) ? doc.tool.poetry : undefined;
  const deps = project ? asArray(project.dependencies).map(String) : [];
  if (deps.length === 0 && poetry && isTable(poetry.dependencies))
    throw new UserError(`${file} lists its dependencies in Poetry's own form, without a lock file`, {
      hint: 'run `poetry lock` and build the folder again: poetry.lock is read first',
    });
  const name = str(project?.name) ?? str(poetry?.name);
  const version = str(project?.version) ?? str(poetry?.version);
  return {
    ...(name ? { name } : {}),
    ...(version ? { version } : {}),
    // The same checks as a requirements file: no direct references to paths or URLs.
    requirements: parseRequirementsFile(deps.join('\n'), `${file} [project].dependencies`),
  };
}
