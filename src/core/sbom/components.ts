import { PackageURL } from 'packageurl-js';
import type { LayerPackages } from '../layer/manifest-packages.js';

/** One package of a layer, in the terms both SBOM formats share. */
export interface SbomComponent {
  kind: 'python' | 'npm' | 'deb' | 'rpm' | 'source';
  name: string;
  version?: string;
  purl: string;
  /** The manifest's licence: an SPDX expression or a short name. */
  license?: string;
  hashes: { alg: 'SHA-256' | 'SHA-512'; hex: string }[];
  downloadUrl?: string;
  /** Layer paths it accounts for (a dist-info folder, a package folder, exported files). */
  paths: string[];
}

/** Debian's and Amazon Linux's distro qualifiers, as the purl spec's examples write them. */
function distro(os: string): string | undefined {
  const debian = /^debian(\d+)$/.exec(os);
  if (debian) return `debian-${debian[1]}`;
  if (os === 'al2023') return 'amzn-2023';
  if (os === 'al2') return 'amzn-2';
  return undefined;
}

/** npm's `sha512-<base64>` as hex, the form both SBOM formats take. */
function integrityHash(integrity: string | undefined): SbomComponent['hashes'] {
  const match = /^sha512-([A-Za-z0-9+/=]+)$/.exec(integrity?.split(' ')[0] ?? '');
  if (!match?.[1]) return [];
  return [{ alg: 'SHA-512', hex: Buffer.from(match[1], 'base64').toString('hex') }];
}

function purl(
  type: string,
  namespace: string | undefined,
  name: string,
  version: string | undefined,
  qualifiers?: Record<string, string | undefined>,
): string {
  const defined = Object.fromEntries(
    Object.entries(qualifiers ?? {}).filter((e): e is [string, string] => e[1] !== undefined),
  );
  return new PackageURL(
    type,
    namespace,
    name,
    version,
    Object.keys(defined).length > 0 ? defined : undefined,
    undefined,
  ).toString();
}

/**
 * The manifest's packages as SBOM components, sorted by purl, with one component per purl: the
 * same npm package installed in two folders is one package in two places.
 */
export function sbomComponents(packages: LayerPackages): SbomComponent[] {
  const all: SbomComponent[] = [
    ...packages.python.map((p) => ({
      kind: 'python' as const,
      name: p.name,
      version: p.version,
      purl: purl('pypi', undefined, p.name, p.version),
      ...(p.license ? { license: p.license } : {}),
      hashes: p.sha256 ? [{ alg: 'SHA-256' as const, hex: p.sha256 }] : [],
      ...(p.url ? { downloadUrl: p.url } : {}),
      paths: [p.distInfo],
    })),
    ...packages.npm.map((p) => {
      const scoped = /^(@[^/]+)\/(.+)$/.exec(p.name);
      return {
        kind: 'npm' as const,
        name: p.name,
        version: p.version,
        purl: purl('npm', scoped?.[1], scoped?.[2] ?? p.name, p.version),
        ...(p.license ? { license: p.license } : {}),
        hashes: integrityHash(p.integrity),
        ...(p.resolved ? { downloadUrl: p.resolved } : {}),
        paths: [p.path],
      };
    }),
    ...packages.os.map((p) => ({
      kind: p.manager,
      name: p.name,
      version: p.version,
      purl:
        p.manager === 'deb'
          ? purl('deb', 'debian', p.name, p.version, { arch: p.arch, distro: distro(p.os) })
          : purl('rpm', 'amzn', p.name, p.version, { arch: p.arch, epoch: p.epoch, distro: distro(p.os) }),
      ...(p.license ? { license: p.license } : {}),
      hashes: [],
      paths: p.files,
    })),
    ...packages.sources.map((s) => ({
      kind: 'source' as const,
      name: s.name,
      ...(s.version ? { version: s.version } : {}),
      purl: purl('generic', undefined, s.name, s.version, {
        download_url: s.url,
        checksum: `sha256:${s.sha256}`,
      }),
      hashes: [{ alg: 'SHA-256' as const, hex: s.sha256 }],
      ...(s.url ? { downloadUrl: s.url } : {}),
      paths: [],
    })),
  ];
  const byPurl = new Map<string, SbomComponent>();
  for (const component of all) {
    const seen = byPurl.get(component.purl);
    if (seen) seen.paths = [...new Set([...seen.paths, ...component.paths])].sort();
    else byPurl.set(component.purl, { ...component, paths: [...component.paths].sort() });
  }
  return [...byPurl.values()].sort((a, b) => (a.purl < b.purl ? -1 : a.purl > b.purl ? 1 : 0));
}
