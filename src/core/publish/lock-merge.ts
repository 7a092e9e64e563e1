import { UserError } from '../errors.js';
import { resolve } from 'node:path';
import type { JobContext } from '../job-context.js';
import {
  LOCKFILE_VERSION,
  compareEntries,
  entryKey,
  layerKey,
  readLockFile,
  type LockEntry,
  type LockFile,
} from './lock-file.js';

/** A lock file and where it came from, for messages. */
export interface LockSource {
  path: string;
  lock: LockFile;
}

/** A layer two inputs changed at once: their claims, and the version kept. */
export interface CurrentDisagreement {
  layer: Pick<LockEntry, 'account' | 'region' | 'layerName'>;
  /** Version each input calls current, by path. */
  claims: { path: string; layerVersion: number }[];
  kept: number;
}

export interface MergedLock {
  lock: LockFile;
  disagreements: CurrentDisagreement[];
}

/**
 * What must agree between two records of one version: Lambda fixed all of it when it created
 * the version. `current` is each job's view and is recomputed; an unknown inputs digest (null)
 * agrees with any.
 */
const FIXED_FIELDS = [
  'layerVersionArn',
  'codeSha256',
  'sha256',
  'runtimes',
  'arch',
  'recipe',
  'recipeVersion',
  'publishedAt',
] as const;

function differingField(a: LockEntry, b: LockEntry): string | undefined {
  for (const field of FIXED_FIELDS) {
    if (JSON.stringify(a[field]) !== JSON.stringify(b[field])) return field;
  }
  if (a.inputsDigest !== null && b.inputsDigest !== null && a.inputsDigest !== b.inputsDigest)
    return 'inputsDigest';
  return undefined;
}

function conflict(entry: LockEntry, first: string, second: string, field: string, a: unknown, b: unknown) {
  const what = `${entry.layerName} version ${entry.layerVersion} in ${entry.region} (account ${entry.account})`;
  const message =
    field === 'codeSha256'
      ? `${first} and ${second} record different content as ${what}: CodeSha256 ${String(a)} and ${String(b)}`
      : `${first} and ${second} disagree on ${what}: ${field} ${JSON.stringify(a)} and ${JSON.stringify(b)}`;
  return new UserError(message, {
    hint: 'the locks describe different AWS states (a version deleted and published again, or another endpoint); merge only locks of publishes to the same accounts, or fix the wrong one by hand',
  });
}

/**
 * Which version is current for one layer. Each input calls one version current; an input that
 * records that version as not current has seen it and moved on (it published or reused another
 * after it), so the claim is overridden. A parallel publish whose job left a layer alone claims
 * the version it inherited, which the job that changed the layer overrides: exactly one claim
 * survives, the changing job's, as in a sequential publish. When none or several survive, two
 * jobs changed the same layer at once and the order is unknown: the highest version is kept (a
 * version Lambda created later came from the later publish), with a disagreement to warn about.
 */
function chooseCurrent(
  claims: { path: string; layerVersion: number }[],
  notCurrent: Set<number>,
): { kept: number; clear: boolean } {
  const survivors = new Set(claims.map((c) => c.layerVersion).filter((v) => !notCurrent.has(v)));
  const pool = survivors.size > 0 ? [...survivors] : claims.map((c) => c.layerVersion);
  return { kept: Math.max(...pool), clear: survivors.size === 1 };
}

/**
 * Merges partial locks written by parallel publishes into the lock one sequential publish would
 * have written. Versions are united by (account, region, layer, version); records of one version
 * must agree (a different CodeSha256 is a conflict, a UserError naming both files). The current
 * version of each layer is chosen by `chooseCurrent`. The order of the inputs never changes the
 * result, and the result is sorted.
 */
export function mergeLocks(sources: LockSource[]): MergedLock {
  const byKey = new Map<string, { entry: LockEntry; path: string }>();
  const claims = new Map<string, { path: string; layerVersion: number }[]>();
  const notCurrent = new Map<string, Set<number>>();
  const layerOf = new Map<string, CurrentDisagreement['layer']>();
  for (const { path, lock } of sources) {
    for (const entry of lock.layers) {
      const key = entryKey(entry);
      const seen = byKey.get(key);
      if (seen) {
        const field = differingField(seen.entry, entry);
        if (field !== undefined) {
          const name = field as keyof LockEntry;
          throw conflict(entry, seen.path, path, field, seen.entry[name], entry[name]);
        }
        if (seen.entry.inputsDigest === null && entry.inputsDigest !== null)
          seen.entry = { ...seen.entry, inputsDigest: entry.inputsDigest };
      } else {
        byKey.set(key, { entry: { ...entry }, path });
      }
      const layer = layerKey(entry);
      layerOf.set(layer, { account: entry.account, region: entry.region, layerName: entry.layerName });
      if (entry.current)
        claims.set(layer, [...(claims.get(layer) ?? []), { path, layerVersion: entry.layerVersion }]);
      else notCurrent.set(layer, (notCurrent.get(layer) ?? new Set()).add(entry.layerVersion));
    }
  }
  const disagreements: CurrentDisagreement[] = [];
  const kept = new Map<string, number>();
  for (const [layer, list] of claims) {
    const choice = chooseCurrent(list, notCurrent.get(layer) ?? new Set());
    kept.set(layer, choice.kept);
    if (choice.clear) continue;
    const sorted = [...list].sort((a, b) =>
      a.path < b.path ? -1 : a.path > b.path ? 1 : a.layerVersion - b.layerVersion,
    );
    const named = layerOf.get(layer);
    if (named) disagreements.push({ layer: named, claims: sorted, kept: choice.kept });
  }
  const layers = [...byKey.values()]
    .map(({ entry }) => ({ ...entry, current: kept.get(layerKey(entry)) === entry.layerVersion }))
    .sort(compareEntries);
  disagreements.sort((a, b) => (layerKey(a.layer) < layerKey(b.layer) ? -1 : 1));
  return { lock: { lockfileVersion: LOCKFILE_VERSION, layers }, disagreements };
}

/**
 * `layerforge lock merge`: reads every lock (version 1 or 2, relative to the job's folder; a missing
 * file is an error), merges
 * them, and warns where the inputs named different current versions for one layer.
 */
export async function mergeLockFiles(
  paths: string[],
  io: Pick<JobContext, 'sink' | 'cwd'>,
): Promise<LockFile> {
  const sources: LockSource[] = [];
  // Named as given in messages; read from the job's folder.
  for (const path of paths) sources.push({ path, lock: await readLockFile(resolve(io.cwd, path), 'error') });
  const { lock, disagreements } = mergeLocks(sources);
  for (const d of disagreements) {
    const said = d.claims.map((c) => `${c.path} says ${c.layerVersion}`).join(', ');
    io.sink({
      type: 'warning',
      code: 'lock.current-disagrees',
      message: `the inputs name different current versions of ${d.layer.layerName} in ${d.layer.region}: ${said}; two jobs changed it at once; kept ${d.kept}, the highest (check it is the one you want)`,
    });
  }
  return lock;
}
