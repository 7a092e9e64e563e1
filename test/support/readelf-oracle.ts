/**
 * GNU readelf as an independent oracle for the audit's own ELF reader: `readelf -h -d -V -W`
 * output parsed into the same facts. readelf is allowed in tests, never in the product.
 */
import { execFileSync } from 'node:child_process';
import { openSync, readSync, closeSync, readdirSync, lstatSync } from 'node:fs';
import { join } from 'node:path';

export interface ReadelfFacts {
  bits: 32 | 64;
  endian: 'little' | 'big';
  machine: string;
  type: string;
  needed: string[];
  soname: string | undefined;
  rpath: string[];
  runpath: string[];
  /** needed file → version names */
  versionNeeds: Map<string, string[]>;
  versionDefs: string[];
}

export function readelfFacts(path: string): ReadelfFacts {
  const out = execFileSync('readelf', ['-h', '-d', '-V', '-W', path], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const facts: ReadelfFacts = {
    bits: /Class:\s+ELF32/.test(out) ? 32 : 64,
    endian: /Data:.*big endian/.test(out) ? 'big' : 'little',
    machine: /Machine:\s+(.+)/.exec(out)?.[1]?.trim() ?? '',
    type: /Type:\s+(\S+)/.exec(out)?.[1] ?? '',
    needed: [],
    soname: undefined,
    rpath: [],
    runpath: [],
    versionNeeds: new Map(),
    versionDefs: [],
  };
  let section: 'needs' | 'defs' | 'other' = 'other';
  let file = '';
  for (const line of out.split('\n')) {
    const dyn = /\((NEEDED|SONAME|RPATH|RUNPATH)\)\s+\S+(?: \S+)?: \[(.*)\]$/.exec(line);
    if (dyn) {
      const [, tag, value = ''] = dyn;
      if (tag === 'NEEDED') facts.needed.push(value);
      else if (tag === 'SONAME') facts.soname = value;
      else if (tag === 'RPATH') facts.rpath.push(value);
      else if (tag === 'RUNPATH') facts.runpath.push(value);
      continue;
    }
    if (/^Version needs section/.test(line)) section = 'needs';
    else if (/^Version definition section/.test(line)) section = 'defs';
    else if (/^Version symbols section/.test(line)) section = 'other';
    if (section === 'needs') {
      const f = /File: (\S+)\s+Cnt:/.exec(line);
      if (f?.[1]) {
        file = f[1];
        facts.versionNeeds.set(file, []);
      }
      const n = /^\s+0x[0-9a-f]+:\s+Name: (\S+)\s+Flags:/.exec(line);
      if (n?.[1]) facts.versionNeeds.get(file)?.push(n[1]);
    } else if (section === 'defs') {
      const d = /Rev: \d+\s+Flags: (\S+)\s+Index: \d+\s+Cnt: \d+\s+Name: (\S+)/.exec(line);
      if (d?.[2] && !d[1]?.includes('BASE')) facts.versionDefs.push(d[2]);
    }
  }
  return facts;
}

/** The highest GLIBC_ requirement as glibc needs it (GLIBC_ABI_DT_RELR counts as 2.36). */
export function readelfMaxGlibc(facts: ReadelfFacts): { name: string; version: string } | undefined {
  let best: { name: string; version: string } | undefined;
  for (const names of facts.versionNeeds.values()) {
    for (const name of names) {
      const version = name === 'GLIBC_ABI_DT_RELR' ? '2.36' : /^GLIBC_(\d+\.\d+(?:\.\d+)?)$/.exec(name)?.[1];
      if (!version) continue;
      if (!best || compare(version, best.version) > 0) best = { name, version };
    }
  }
  return best;
}

export function compare(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Regular files under `root` that start with the ELF magic, as paths relative to root. */
export function elfFilesUnder(root: string): string[] {
  const found: string[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(join(root, rel))) {
      const path = rel ? `${rel}/${name}` : name;
      const stats = lstatSync(join(root, path));
      if (stats.isDirectory()) walk(path);
      else if (stats.isFile() && stats.size >= 4) {
        const fd = openSync(join(root, path), 'r');
        const head = Buffer.alloc(4);
        readSync(fd, head, 0, 4, 0);
        closeSync(fd);
        if (head.toString('latin1') === '\x7fELF') found.push(path);
      }
    }
  };
  walk('');
  return found.sort();
}
