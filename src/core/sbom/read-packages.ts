import { posix } from 'node:path';
import type { NpmPackage, PythonPackage } from '../layer/manifest-packages.js';
import type { LayerFiles } from './layer-files.js';
import { npmLicence } from './licence.js';
import { withoutCredentials, type PipOrigin } from './pip-report.js';
import { normalizePythonName, parsePythonMetadata } from './python-metadata.js';

/** Where wheels land in a layer: /opt/python, or the site-packages folder below it. */
const DIST_INFO_METADATA = /^python\/(?:lib\/python\d+\.\d+\/site-packages\/)?[^/]+\.dist-info\/METADATA$/;

const byName = <T extends { name: string; version: string }>(a: T, b: T) =>
  a.name.localeCompare(b.name, 'en') || a.version.localeCompare(b.version, 'en');

/** Every wheel in the layer, from its dist-info, with pip's origin for it when known; sorted. */
export async function readPythonPackages(
  files: LayerFiles,
  origins: ReadonlyMap<string, PipOrigin> = new Map(),
): Promise<PythonPackage[]> {
  const packages: PythonPackage[] = [];
  for (const path of files.entries.keys()) {
    if (!DIST_INFO_METADATA.test(path)) continue;
    const text = await files.readText(path);
    const metadata = text === undefined ? undefined : parsePythonMetadata(text);
    if (!metadata) continue;
    const origin = origins.get(normalizePythonName(metadata.name));
    packages.push({
      name: metadata.name,
      version: metadata.version,
      ...(origin?.url ? { url: origin.url } : {}),
      ...(origin?.sha256 ? { sha256: origin.sha256 } : {}),
      ...(metadata.license ? { license: metadata.license } : {}),
      distInfo: posix.dirname(path),
    });
  }
  return packages.sort(byName);
}

interface LockEntry {
  version?: unknown;
  resolved?: unknown;
  integrity?: unknown;
  license?: unknown;
  link?: unknown;
}

const NODE_MODULES = 'nodejs/node_modules';

/**
 * Every npm package under nodejs/node_modules: from npm's hidden lock file
 * (`node_modules/.package-lock.json`: resolved URL and integrity) when there is one, else from
 * the package.json files; the licence from each package.json. Sorted.
 */
export async function readNpmPackages(files: LayerFiles): Promise<NpmPackage[]> {
  const lock = await readLock(files);
  const folders = lock
    ? Object.keys(lock).filter((key) => key.startsWith('node_modules/'))
    : [...files.entries.keys()]
        .filter((p) => /^nodejs\/node_modules\/(?:@[^/]+\/)?[^/@.][^/]*\/package\.json$/.test(p))
        .map((p) => posix.dirname(p).slice('nodejs/'.length));
  const packages: NpmPackage[] = [];
  for (const folder of folders) {
    const entry: LockEntry = lock?.[folder] ?? {};
    if (entry.link === true) continue;
    const path = `nodejs/${folder}`;
    const manifest = await readJson(files, `${path}/package.json`);
    const name = stringOr(manifest?.name) ?? folder.slice(folder.lastIndexOf('node_modules/') + 13);
    const version = stringOr(entry.version) ?? stringOr(manifest?.version);
    if (!version) continue;
    const license = npmLicence(manifest?.license) ?? npmLicence(entry.license);
    const resolvedUrl = stringOr(entry.resolved);
    const resolved = resolvedUrl && withoutCredentials(resolvedUrl);
    const integrity = stringOr(entry.integrity);
    packages.push({
      name,
      version,
      ...(resolved ? { resolved } : {}),
      ...(integrity ? { integrity } : {}),
      ...(license ? { license } : {}),
      path,
    });
  }
  return packages.sort((a, b) => byName(a, b) || a.path.localeCompare(b.path, 'en'));
}

async function readLock(files: LayerFiles): Promise<Record<string, LockEntry> | undefined> {
  const lock = await readJson(files, `${NODE_MODULES}/.package-lock.json`);
  const packages = lock?.packages;
  return packages && typeof packages === 'object' ? (packages as Record<string, LockEntry>) : undefined;
}

async function readJson(files: LayerFiles, path: string): Promise<Record<string, unknown> | undefined> {
  const text = await files.readText(path);
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
