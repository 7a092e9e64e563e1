/** The kinds of entry a layer holds; zips cannot carry anything else usefully. */
export type LayerEntryType = 'file' | 'dir' | 'symlink';

export const S_IFMT = 0o170000;
export const S_IFDIR = 0o040000;
export const S_IFLNK = 0o120000;

/**
 * The permission bits layerforge stores for an entry. Lambda runs the function as a non-root
 * user, so everything must be world-readable: directories 0755, files 0755 when the build gave
 * them any exec bit (so a 0700 tool stays runnable) and 0644 otherwise, symlinks 0777 as
 * Info-ZIP records them.
 */
export function normaliseMode(type: LayerEntryType, mode: number): number {
  switch (type) {
    case 'dir':
      return 0o755;
    case 'symlink':
      return 0o777;
    case 'file':
      return (mode & 0o111) !== 0 ? 0o755 : 0o644;
  }
}

/** A mode as `0644`. */
export function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

/** Every reader class (owner, group, other) can read it, and can enter it if it is a directory. */
export function isWorldReadable(type: LayerEntryType, mode: number): boolean {
  if (type === 'symlink') return true;
  if ((mode & 0o004) === 0) return false;
  return type === 'dir' ? (mode & 0o001) !== 0 : true;
}
