import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from '../zod.js';
import { UserError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';

export const LOCK_FILE_NAME = 'layerforge.lock.json';

/** The version this layerforge writes; version 1 files (no account, no inputs digest) still read. */
export const LOCKFILE_VERSION = 2;

const lockEntryV1Schema = z.strictObject({
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

const lockEntrySchema = lockEntryV1Schema.extend({
  /** The AWS account that owns the version: the same layer name in two accounts is two layers. */
  account: z.string().regex(/^\d{12}$/),
  /**
   * The build's inputs digest from the zip's manifest, so a lock tells which inputs a version
   * was built from. null when unknown: a zip published without a manifest, or an entry first
   * recorded by a version 1 lock file (the digest was never written down, and guessing it from
   * today's inputs could name a build the version did not come from).
   */
  inputsDigest: z.string().nullable(),
});
export type LockEntry = z.infer<typeof lockEntrySchema>;

/**
 * `layerforge.lock.json`: every layer version layerforge published or reused, per account and
 * region. Meant to be committed: sorted, stable across no-op runs, and free of credentials.
 */
export const lockFileSchema = z.strictObject({
  lockfileVersion: z.literal(LOCKFILE_VERSION),
  layers: z.array(lockEntrySchema),
});
export type LockFile = z.infer<typeof lockFileSchema>;

const lockFileV1Schema = z.strictObject({
  lockfileVersion: z.literal(1),
  layers: z.array(lockEntryV1Schema),
});

export function emptyLockFile(): LockFile {
  return { lockfileVersion: LOCKFILE_VERSION, layers: [] };
}

export function lockFilePath(cwd: string): string {
  return join(cwd, LOCK_FILE_NAME);
}

const LAYER_VERSION_ARN = /^arn:[a-z-]+:lambda:[^:]+:(\d{12}):layer:[^:]+:\d+$/;

/** The account in `arn:aws:lambda:<region>:<account>:layer:<name>:<version>`, or undefined. */
export function accountOfArn(layerVersionArn: string): string | undefined {
  return LAYER_VERSION_ARN.exec(layerVersionArn)?.[1];
}

function notALockFile(path: string, why: string): UserError {
  return new UserError(`${path} is not a layerforge lock file: ${why}`, {
    hint: 'fix or restore it from version control',
  });
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`;
}

/** A version 1 lock read as version 2: the account from each ARN, the inputs digest unknown. */
function upgradeV1(path: string, v1: z.infer<typeof lockFileV1Schema>): LockFile {
  return {
    lockfileVersion: LOCKFILE_VERSION,
    layers: v1.layers.map((entry, index) => {
      const account = accountOfArn(entry.layerVersionArn);
      if (account === undefined)
        throw notALockFile(path, `layers.${index}.layerVersionArn is not a layer version ARN`);
      return { ...entry, account, inputsDigest: null };
    }),
  };
}

/**
 * The lock file, or an empty one when there is none (`missing: 'error'` refuses a missing file
 * instead). A damaged file is a UserError, never overwritten.
 */
export async function readLockFile(path: string, missing: 'empty' | 'error' = 'empty'): Promise<LockFile> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      if (missing === 'empty') return emptyLockFile();
      throw new UserError(`no lock file at ${path}`, { cause: error, hint: 'check the path' });
    }
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
  const version = (json as { lockfileVersion?: unknown } | null)?.lockfileVersion;
  if (version === 1) {
    const v1 = lockFileV1Schema.safeParse(json);
    if (!v1.success) throw notALockFile(path, firstIssue(v1.error));
    return upgradeV1(path, v1.data);
  }
  const parsed = lockFileSchema.safeParse(json);
  if (!parsed.success) {
    if (typeof version === 'number' && version > LOCKFILE_VERSION) {
      throw new UserError(`${path} is a version ${version} lock file, newer than this layerforge reads`, {
        hint: 'upgrade layerforge',
      });
    }
    throw notALockFile(path, firstIssue(parsed.error));
  }
  return parsed.data;
}

/** One version of one layer: the same name, region and number in another account is another version. */
export const entryKey = (e: Pick<LockEntry, 'account' | 'region' | 'layerName' | 'layerVersion'>) =>
  `${e.account}\u0000${e.region}\u0000${e.layerName}\u0000${e.layerVersion}`;
/** One layer: its versions share it. */
export const layerKey = (e: Pick<LockEntry, 'account' | 'region' | 'layerName'>) =>
  `${e.account}\u0000${e.region}\u0000${e.layerName}`;

/** Layer, region, account, version: the order every lock file is written in. */
export function compareEntries(a: LockEntry, b: LockEntry): number {
  for (const field of ['layerName', 'region', 'account'] as const) {
    if (a[field] !== b[field]) return a[field] < b[field] ? -1 : 1;
  }
  return a.layerVersion - b.layerVersion;
}

/**
 * Adds this run's versions: each becomes the current one for its layer. An entry already
 * recorded keeps its fields (an unknown inputs digest is filled in), so re-running a publish that
 * reused everything changes nothing.
 */
export function mergeLockEntries(lock: LockFile, added: LockEntry[]): LockFile {
  const byKey = new Map(lock.layers.map((e) => [entryKey(e), { ...e }]));
  const chosen = new Set(added.map(entryKey));
  const touchedLayers = new Set(added.map(layerKey));
  for (const entry of added) {
    const existing = byKey.get(entryKey(entry));
    byKey.set(
      entryKey(entry),
      existing
        ? { ...existing, inputsDigest: existing.inputsDigest ?? entry.inputsDigest, current: true }
        : { ...entry, current: true },
    );
  }
  for (const [key, entry] of byKey) {
    if (touchedLayers.has(layerKey(entry)) && !chosen.has(key)) entry.current = false;
  }
  return { lockfileVersion: LOCKFILE_VERSION, layers: [...byKey.values()].sort(compareEntries) };
}

/** Fixed key order and a trailing newline, so diffs show only what changed. */
export function serializeLockFile(lock: LockFile): string {
  const layers = [...lock.layers].sort(compareEntries).map((e) => ({
    layerName: e.layerName,
    region: e.region,
    account: e.account,
    layerVersion: e.layerVersion,
    layerVersionArn: e.layerVersionArn,
    current: e.current,
    recipe: e.recipe,
    recipeVersion: e.recipeVersion,
    runtimes: e.runtimes,
    arch: e.arch,
    sha256: e.sha256,
    codeSha256: e.codeSha256,
    inputsDigest: e.inputsDigest,
    publishedAt: e.publishedAt,
  }));
  return JSON.stringify({ lockfileVersion: LOCKFILE_VERSION, layers }, null, 2) + '\n';
}

/** Reads, merges and writes atomically: a reader never sees half a lock file. */
export async function recordInLockFile(path: string, added: LockEntry[]): Promise<LockFile> {
  const merged = mergeLockEntries(await readLockFile(path), added);
  await writeFileAtomic(path, serializeLockFile(merged));
  return merged;
}

/** The current version of each layer; the highest version when several claim it. */
export function currentEntries(lock: LockFile): LockEntry[] {
  const best = new Map<string, LockEntry>();
  for (const entry of lock.layers) {
    const key = layerKey(entry);
    const seen = best.get(key);
    const better =
      !seen ||
      (entry.current && !seen.current) ||
      (entry.current === seen.current && entry.layerVersion > seen.layerVersion);
    if (better) best.set(key, entry);
  }
  return [...best.values()].sort(compareEntries);
}
