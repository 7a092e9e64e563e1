import type { SourceArchive } from '../layer/manifest-packages.js';
import type { RecipeSource } from '../recipes/schema.js';
import { withoutCredentials } from './pip-report.js';

const ARCHIVE = /\.(?:tar\.(?:gz|xz|bz2|zst|lz)|tgz|tbz2?|txz|zip|gem|crate|jar|whl)$/i;

/**
 * A name and version from an archive's file name, as release tarballs are named:
 * `openssl-3.0.15.tar.gz` → openssl 3.0.15, `R-4.4.2.tar.gz` → R 4.4.2. No version when the
 * name has none.
 */
export function nameAndVersion(file: string): { name: string; version?: string } {
  const stem = file.replace(ARCHIVE, '');
  const match = /^(.+?)[-_]v?(\d+(?:[.\-_+~][0-9A-Za-z]+)*)$/.exec(stem);
  if (match?.[1] && match[2]) return { name: match[1], version: match[2] };
  return { name: stem };
}

/** The recipe's sources the build used (those for its OS), as manifest records, sorted. */
export function sourceArchives(
  sources: readonly RecipeSource[],
  os: string,
  filename: (source: RecipeSource) => string,
): SourceArchive[] {
  return sources
    .filter((s) => !s.os || s.os.some((o) => o === os))
    .map((source) => {
      const file = filename(source);
      return {
        ...nameAndVersion(file),
        file,
        ...(source.url ? { url: withoutCredentials(source.url) } : {}),
        ...(source.path ? { path: source.path } : {}),
        sha256: source.sha256,
      };
    })
    .sort((a, b) => a.file.localeCompare(b.file, 'en'));
}
