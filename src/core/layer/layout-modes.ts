import type { LayerListing } from './entry.js';
import type { LayoutFinding } from './layout-rules.js';
import { octal } from './modes.js';

/**
 * Lambda extracts layers as root and runs the function as another user (uid 993, in no group
 * that owns the files), so only the "other" permission bits count: a file needs o+r, a folder
 * o+rx, and a program o+x. A 0744 tool is runnable by its owner and by nobody on Lambda.
 */
const OTHER_READ = 0o004;
const OTHER_EXEC = 0o001;

/** Programs by place: the custom runtime's entry point, and what PATH (/opt/bin) finds. */
function isProgramPath(path: string): boolean {
  return path === 'bootstrap' || /^bin\/[^/]+$/.test(path);
}

/** Entries Lambda's user cannot read or enter, and programs it cannot run. */
export function modeFindings(listing: LayerListing, programs: ReadonlySet<string>): LayoutFinding[] {
  const findings: LayoutFinding[] = [];
  // One finding for a folder nobody can enter: what lies below it is unreachable anyway.
  const closedFolders: string[] = [];
  for (const path of [...listing.keys()].sort()) {
    const entry = listing.get(path);
    if (!entry || entry.type === 'symlink') continue;
    if (closedFolders.some((dir) => path.startsWith(`${dir}/`))) continue;
    const isDir = entry.type === 'dir';
    const needed = isDir ? OTHER_READ | OTHER_EXEC : OTHER_READ;
    if ((entry.mode & needed) !== needed) {
      if (isDir) closedFolders.push(path);
      findings.push({
        severity: 'error',
        code: 'not-world-readable',
        file: path,
        reason: `mode ${octal(entry.mode)}: Lambda runs the function as a non-root user, which cannot ${isDir ? 'enter this directory' : 'read this file'}`,
        hint: `chmod ${isDir ? '755' : 'a+r'} it before zipping (layerforge build does this for you)`,
      });
      continue;
    }
    if (!isDir && (isProgramPath(path) || programs.has(path)) && (entry.mode & OTHER_EXEC) === 0) {
      findings.push({
        severity: 'error',
        code: 'not-executable',
        file: path,
        reason: `mode ${octal(entry.mode)}: ${whatCannotRun(path)} without an exec bit for other users cannot be run by the function's user`,
        hint: 'chmod 755 it before zipping; zips made on Windows lose it',
      });
    }
  }
  return findings;
}

function whatCannotRun(path: string): string {
  if (path === 'bootstrap') return 'the custom runtime bootstrap';
  return path.startsWith('bin/') ? 'a program on PATH' : 'an executable';
}
