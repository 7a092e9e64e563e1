import type { LayerPackages } from './manifest-packages.js';

export type PackageEcosystem = 'python' | 'npm' | 'deb' | 'rpm' | 'source';

/** One package that differs between two layers. Versions list every one installed, sorted. */
export interface PackageChange {
  ecosystem: PackageEcosystem;
  name: string;
  change: 'added' | 'removed' | 'changed';
  from?: string;
  to?: string;
}

/** Each package's installed versions by `ecosystem name` (Python names compared normalized). */
function versions(
  packages: LayerPackages,
): Map<string, { ecosystem: PackageEcosystem; name: string; versions: Set<string> }> {
  const all = new Map<string, { ecosystem: PackageEcosystem; name: string; versions: Set<string> }>();
  const add = (ecosystem: PackageEcosystem, name: string, key: string, version: string) => {
    const id = `${ecosystem} ${key}`;
    const seen = all.get(id) ?? { ecosystem, name, versions: new Set<string>() };
    seen.versions.add(version);
    all.set(id, seen);
  };
  for (const p of packages.python)
    add('python', p.name, p.name.toLowerCase().replace(/[-_.]+/g, '-'), p.version);
  for (const p of packages.npm) add('npm', p.name, p.name, p.version);
  for (const p of packages.os) add(p.manager, p.name, `${p.name}:${p.arch ?? ''}`, p.version);
  for (const p of packages.sources) add('source', p.name, p.name, p.version ?? p.file);
  return all;
}

const joined = (set: Set<string>) => [...set].sort().join(', ');

/** Packages added, removed, or at another version in `after`, sorted by ecosystem and name. */
export function diffPackages(before: LayerPackages, after: LayerPackages): PackageChange[] {
  const a = versions(before);
  const b = versions(after);
  const changes: PackageChange[] = [];
  for (const [id, old] of a) {
    const now = b.get(id);
    if (!now)
      changes.push({
        ecosystem: old.ecosystem,
        name: old.name,
        change: 'removed',
        from: joined(old.versions),
      });
    else if (joined(old.versions) !== joined(now.versions))
      changes.push({
        ecosystem: old.ecosystem,
        name: now.name,
        change: 'changed',
        from: joined(old.versions),
        to: joined(now.versions),
      });
  }
  for (const [id, now] of b) {
    if (!a.has(id))
      changes.push({ ecosystem: now.ecosystem, name: now.name, change: 'added', to: joined(now.versions) });
  }
  return changes.sort(
    (x, y) => x.ecosystem.localeCompare(y.ecosystem, 'en') || x.name.localeCompare(y.name, 'en'),
  );
}
