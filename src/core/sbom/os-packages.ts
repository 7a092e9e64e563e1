import type { OsPackage } from '../layer/manifest-packages.js';

/** One file the export copied into the layer (data/container/export-closure.sh's record). */
export interface ExportedFile {
  /** Layer path: `lib/libjq.so.1`, or a data folder `share/proj`. */
  layer: string;
  /** The build-image path it was copied from, and that path with links resolved. */
  origin: string;
  real: string;
}

export function parseExported(text: string | undefined): ExportedFile[] {
  return (text ?? '')
    .split('\n')
    .map((line) => line.split('\t'))
    .filter((cols) => cols.length >= 2 && cols[0] && cols[1])
    .map(([layer = '', origin = '', real]) => ({ layer, origin, real: real || origin }));
}

/**
 * The image paths a layer file may be owned under: the exported path and its resolved form, for
 * a file inside an exported folder the same below it, and each with and without `/usr` (merged
 * /usr: dpkg lists `/lib/x86_64-linux-gnu/libc.so.6` while the export found it in `/usr/lib`).
 */
export function candidateOrigins(layerFile: string, exported: readonly ExportedFile[]): string[] {
  const paths = new Set<string>();
  for (const record of exported) {
    const below =
      layerFile === record.layer
        ? ''
        : layerFile.startsWith(`${record.layer}/`)
          ? layerFile.slice(record.layer.length)
          : undefined;
    if (below === undefined) continue;
    for (const base of [record.origin, record.real]) {
      const path = base + below;
      paths.add(path);
      if (/^\/usr\/(lib|lib64|bin|sbin)\//.test(path)) paths.add(path.slice(4));
      else if (/^\/(lib|lib64|bin|sbin)\//.test(path)) paths.add(`/usr${path}`);
    }
  }
  return [...paths];
}

interface DpkgPackage {
  name: string;
  version: string;
  arch?: string;
  source?: string;
}

/** The installed packages of /var/lib/dpkg/status, by name (and `name:arch`). */
export function parseDpkgStatus(text: string): Map<string, DpkgPackage> {
  const packages = new Map<string, DpkgPackage>();
  for (const paragraph of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const line of paragraph.split('\n')) {
      const match = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (match?.[1] && match[2] !== undefined) fields.set(match[1].toLowerCase(), match[2].trim());
    }
    const name = fields.get('package');
    const version = fields.get('version');
    if (!name || !version || !/\binstalled$/.test(fields.get('status') ?? '')) continue;
    // `Source: openssl (3.0.15-1~deb12u1)`: the name alone; the version is the binary's.
    const source = fields.get('source')?.split(' ')[0];
    const arch = fields.get('architecture');
    const record = {
      name,
      version,
      ...(arch ? { arch } : {}),
      ...(source && source !== name ? { source } : {}),
    };
    packages.set(name, record);
    if (arch) packages.set(`${name}:${arch}`, record);
  }
  return packages;
}

/** Which packages own each path, from dpkg's `info/<package>.list` files. */
export function dpkgOwners(lists: ReadonlyMap<string, string>): Map<string, string[]> {
  const owners = new Map<string, string[]>();
  for (const [pkg, text] of lists) {
    for (const path of text.split('\n')) {
      if (!path.startsWith('/')) continue;
      const list = owners.get(path) ?? [];
      list.push(pkg);
      owners.set(path, list);
    }
  }
  return owners;
}

/** Adds `file` to the package `key`, creating its record with `make` the first time. */
function addFile(found: Map<string, OsPackage>, key: string, file: string, make: () => OsPackage): void {
  const record = found.get(key) ?? make();
  if (!record.files.includes(file)) record.files.push(file);
  found.set(key, record);
}

function finish(found: Map<string, OsPackage>): OsPackage[] {
  return [...found.values()]
    .map((p) => ({ ...p, files: [...p.files].sort() }))
    .sort((a, b) => a.name.localeCompare(b.name, 'en') || a.version.localeCompare(b.version, 'en'));
}

/** The Debian packages that own the layer's exported files, each with the files it gave. */
export function debianPackages(
  layerFiles: readonly string[],
  exported: readonly ExportedFile[],
  status: ReadonlyMap<string, DpkgPackage>,
  lists: ReadonlyMap<string, string>,
  os: string,
): OsPackage[] {
  const owners = dpkgOwners(lists);
  const found = new Map<string, OsPackage>();
  for (const file of layerFiles) {
    for (const origin of candidateOrigins(file, exported)) {
      for (const owner of owners.get(origin) ?? []) {
        const pkg = status.get(owner);
        if (!pkg) continue;
        addFile(found, `${pkg.name}:${pkg.arch ?? ''}`, file, () => ({
          manager: 'deb',
          name: pkg.name,
          version: pkg.version,
          ...(pkg.arch ? { arch: pkg.arch } : {}),
          ...(pkg.source ? { sourcePackage: pkg.source } : {}),
          os,
          files: [],
        }));
      }
    }
  }
  return finish(found);
}

interface RpmPackage {
  name: string;
  epoch?: string;
  version: string;
  release: string;
  arch: string;
  license?: string;
}

/** `rpm -qa` printed in RPM_QUERY_FORMAT (src/core/builder/plan.ts): name, epoch, version, release, arch, licence. */
export function parseRpmQuery(text: string): Map<string, RpmPackage[]> {
  const packages = new Map<string, RpmPackage[]>();
  for (const line of text.split('\n')) {
    const [name, epoch, version, release, arch, license] = line.split('\t');
    if (!name || !version || !release || !arch) continue;
    const record: RpmPackage = {
      name,
      version,
      release,
      arch,
      ...(epoch && epoch !== '(none)' ? { epoch } : {}),
      ...(license && license !== '(none)' ? { license } : {}),
    };
    packages.set(name, [...(packages.get(name) ?? []), record]);
  }
  return packages;
}

/**
 * The rpm packages that own the layer's exported files. `owners` is the plan's
 * `layer path \t package name` list; a folder's owner covers the files below it.
 */
export function rpmPackages(
  layerFiles: readonly string[],
  ownersText: string,
  installed: ReadonlyMap<string, RpmPackage[]>,
  os: string,
): OsPackage[] {
  const owners = ownersText
    .split('\n')
    .map((line) => line.split('\t'))
    .filter((cols): cols is [string, string] => cols.length === 2 && !!cols[0] && !!cols[1]);
  const found = new Map<string, OsPackage>();
  for (const file of layerFiles) {
    for (const [layer, owner] of owners) {
      if (file !== layer && !file.startsWith(`${layer}/`)) continue;
      for (const pkg of installed.get(owner) ?? []) {
        addFile(found, `${pkg.name}:${pkg.arch}`, file, () => ({
          manager: 'rpm',
          name: pkg.name,
          version: `${pkg.version}-${pkg.release}`,
          ...(pkg.epoch ? { epoch: pkg.epoch } : {}),
          arch: pkg.arch,
          ...(pkg.license ? { license: pkg.license } : {}),
          os,
          files: [],
        }));
      }
    }
  }
  return finish(found);
}
