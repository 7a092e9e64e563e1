import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { minimatch } from 'minimatch';

/**
 * The settings of one host in `~/.ssh/config` that an `ssh://` Docker host needs. The docker CLI
 * runs the `ssh` program, which reads the whole file; layerforge connects through ssh2, so it
 * reads this subset itself. Each is the first value given, as ssh takes it.
 */
export interface SshHostConfig {
  hostName?: string;
  user?: string;
  port?: number;
  /** Every IdentityFile that applies, in order: ssh offers them all. */
  identityFiles: string[];
  identityAgent?: string;
  userKnownHostsFiles?: string[];
  strictHostKeyChecking?: string;
}

/** Keywords read; every other one (ProxyJump, Match, ...) is ignored, see the README. */
const KEYWORDS = new Set([
  'host',
  'include',
  'hostname',
  'user',
  'port',
  'identityfile',
  'identityagent',
  'userknownhostsfile',
  'stricthostkeychecking',
]);

interface Line {
  keyword: string;
  args: string[];
}

/**
 * The settings for `alias` from `sshDir/config` (and the files it includes). A missing file is
 * no settings. `Match` blocks are skipped, never applied: layerforge does not evaluate them.
 */
export async function sshHostConfig(sshDir: string, alias: string): Promise<SshHostConfig> {
  const lines = await configLines(join(sshDir, 'config'), sshDir, 0);
  const host = alias.toLowerCase();
  const found: SshHostConfig = { identityFiles: [] };
  let applies = true;
  for (const { keyword, args } of lines) {
    if (keyword === 'host') {
      applies = hostMatches(host, args);
      continue;
    }
    if (keyword === 'match') {
      applies = false;
      continue;
    }
    if (!applies || !KEYWORDS.has(keyword)) continue;
    const value = args[0];
    if (value === undefined) continue;
    switch (keyword) {
      case 'hostname':
        found.hostName ??= value;
        break;
      case 'user':
        found.user ??= value;
        break;
      case 'port': {
        const port = Number(value);
        if (found.port === undefined && Number.isInteger(port) && port > 0 && port < 65536) found.port = port;
        break;
      }
      case 'identityfile':
        found.identityFiles.push(value);
        break;
      case 'identityagent':
        found.identityAgent ??= value;
        break;
      case 'userknownhostsfile':
        found.userKnownHostsFiles ??= args;
        break;
      case 'stricthostkeychecking':
        found.strictHostKeyChecking ??= value.toLowerCase();
        break;
    }
  }
  return found;
}

/** ssh's Host patterns: any positive pattern matches and no negated one does. */
function hostMatches(host: string, patterns: string[]): boolean {
  let matched = false;
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const pattern = (negated ? raw.slice(1) : raw).toLowerCase();
    if (!wildcardMatch(host, pattern)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

/** `*` and `?` as ssh means them: no character classes, no path separators. */
export function wildcardMatch(text: string, pattern: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(text);
}

/** The file's lines with Include expanded in place, as ssh reads them (at most 16 deep). */
async function configLines(path: string, sshDir: string, depth: number): Promise<Line[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    // ssh skips a missing include and an unreadable config the same way.
    return [];
  }
  const out: Line[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = parseLine(raw);
    if (!line) continue;
    if (line.keyword !== 'include') {
      out.push(line);
      continue;
    }
    if (depth >= 16) continue;
    for (const pattern of line.args) {
      for (const file of await includedFiles(pattern, sshDir)) {
        out.push(...(await configLines(file, sshDir, depth + 1)));
      }
    }
  }
  return out;
}

/** An Include pattern: relative to ~/.ssh, with wildcards in its last part only. */
async function includedFiles(pattern: string, sshDir: string): Promise<string[]> {
  const home = dirname(sshDir);
  const expanded = pattern.startsWith('~/') ? join(home, pattern.slice(2)) : pattern;
  const path = isAbsolute(expanded) ? expanded : join(sshDir, expanded);
  const name = basename(path);
  if (!/[*?]/.test(name)) return [path];
  try {
    const entries = await readdir(dirname(path));
    return entries
      .filter((entry) => minimatch(entry, name, { dot: false }))
      .sort()
      .map((entry) => join(dirname(path), entry));
  } catch {
    return [];
  }
}

/** `Keyword value ...` or `Keyword=value`, with double-quoted arguments; comments dropped. */
function parseLine(raw: string): Line | undefined {
  const line = raw.trim();
  if (line.length === 0 || line.startsWith('#')) return undefined;
  const match = /^([A-Za-z]+)\s*(?:=\s*|\s+)(.*)$/.exec(line);
  if (!match) return undefined;
  const [, keyword = '', rest = ''] = match;
  const args: string[] = [];
  for (const token of rest.matchAll(/"([^"]*)"|(\S+)/g)) {
    const value = token[1] ?? token[2] ?? '';
    if (token[2]?.startsWith('#')) break;
    args.push(value);
  }
  return { keyword: keyword.toLowerCase(), args };
}
