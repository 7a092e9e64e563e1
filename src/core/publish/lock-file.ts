import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { UserError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';

export const LOCK_FILE_NAME = 'layerforge.lock.json';

const lockEntrySchema = z.strictObject({
  layerName: z.string(),
  recipe: z.string().nullable(),
  recipeVersion: z.string().nullable(),
  runtimes: z.array(z.string()),
  arch: z.enum(['x86_64', 'arm64']),
  region: z.string(),
  layerVersionArn: z.string(),
  layerVersion: z.number().int().positive(),
  /** Hex SHA-256 of the zip. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Base64 of the same digest, as Lambda reports it. */
  codeSha256: z.string(),
  /** When Lambda created this version (its CreatedDate), ISO 8601. */
  publishedAt: z.string(),
  /** The version the last publish of this layer in this region chose: what `arns` prints. */
  current: z.boolean(),
});
export type LockEntry = z.infer<typeof lockEntrySchema>;

/**
 * `layerforge.lock.json`: every layer version layerforge published or reused, per region.
 * Meant to be committed: sorted, stable across no-op runs, and free of credentials.
 */
export const lockFileSchema = z.strictObject({
  lockfileVersion: z.literal(1),
  layers: z.array(lockEntrySchema),
});
export type LockFile = z.infer<typeof lockFileSchema>;

export function lockFilePath(cwd: string): string {
  return join(cwd, LOCK_FILE_NAME);
}

/** The lock file, or an empty one when there is none. A damaged file is a UserError, never overwritten. */
export async function readLockFile(path: string): Promise<LockFile> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { lockfileVersion: 1, layers: [] };
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (cause) {
    throw new UserError(`${path} is not valid JSON`, {
      cause,
      hint: 'fix or restore it from version control',
    });
  }
  const parsed = lockFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(
      `${path} is not a layerforge lock file: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`,
      {
        hint: 'fix or restore it from version control',
      },
    );
  }
  return parsed.data;
}

const entryKey = (e: LockEntry) => `${e.layerName}\u0000${e.region}\u0000${e.layerVersion}`;
const layerRegionKey = (e: Pick<LockEntry, 'layerName' | 'region'>) => `${e.layerName}\u0000${e.region}`;

function compareEntries(a: LockEntry, b: LockEntry): number {
  if (a.layerName !== b.layerName) return a.layerName < b.layerName ? -1 : 1;
  if (a.region !== b.region) return a.region < b.region ? -1 : 1;
  return a.layerVersion - b.layerVersion;
}

/**
 * Adds this run's versions: each becomes the current one for its layer and region. An entry
 * already recorded keeps its fields, so re-running a publish that reused everything changes nothing.
 */
export function mergeLockEntries(lock: LockFile, added: LockEntry[]): LockFile {
  const byKey = new Map(lock.layers.map((e) => [entryKey(e), { ...e }]));
  const chosen = new Set(added.map(entryKey));
  const touchedLayers = new Set(added.map(layerRegionKey));
  for (const entry of added) {
    const existing = byKey.get(entryKey(entry));
    byKey.set(entryKey(entry), existing ? { ...existing, current: true } : { ...entry, current: true });
  }
  for (const [key, entry] of byKey) {
    if (touchedLayers.has(layerRegionKey(entry)) && !chosen.has(key)) entry.current = false;
  }
  return { lockfileVersion: 1, layers: [...byKey.values()].sort(compareEntries) };
}

/** Fixed key order and a trailing newline, so diffs show only what changed. */
export function serializeLockFile(lock: LockFile): string {
  const layers = lock.layers.map((e) => ({
    layerName: e.layerName,
    region: e.region,
    layerVersion: e.layerVersion,
    layerVersionArn: e.layerVersionArn,
    current: e.current,
    recipe: e.recipe,
    recipeVersion: e.recipeVersion,
    runtimes: e.runtimes,
    arch: e.arch,
    sha256: e.sha256,
    codeSha256: e.codeSha256,
    publishedAt: e.publishedAt,
  }));
  return JSON.stringify({ lockfileVersion: 1, layers }, null, 2) + '\n';
}

/** Reads, merges and writes atomically: a reader never sees half a lock file. */
export async function recordInLockFile(path: string, added: LockEntry[]): Promise<LockFile> {
  const merged = mergeLockEntries(await readLockFile(path), added);
  await writeFileAtomic(path, serializeLockFile(merged));
  return merged;
}

/** The current version of each layer in each region; the highest version when several claim it. */
export function currentEntries(lock: LockFile): LockEntry[] {
  const best = new Map<string, LockEntry>();
  for (const entry of lock.layers) {
    const key = layerRegionKey(entry);
    const seen = best.get(key);
    const better =
      !seen ||
      (entry.current && !seen.current) ||
      (entry.current === seen.current && entry.layerVersion > seen.layerVersion);
    if (better) best.set(key, entry);
  }
  return [...best.values()].sort(compareEntries);
}
