import { DeleteLayerVersionCommand } from '@aws-sdk/client-lambda';
import type { AwsClients } from '../aws/clients.js';
import { describeAwsError, redactedCause } from '../aws/errors.js';
import { InterruptedError, UserError, isAbortError, throwIfAborted } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { isoDate, listNewestVersions } from './find-version.js';
import { validateLayerName } from './layer-metadata.js';
import { readLockFile, serializeLockFile, type LockFile } from './lock-file.js';
import { resolveRegions } from './regions.js';

export interface DeleteVersionsOptions {
  layerName: string;
  /** Default: the SDK's region. */
  regions?: string[];
  /** The newest versions kept in each region (≥ 1). */
  keepLast: number;
  /** Also delete versions layerforge.lock.json records as current. */
  force: boolean;
  lockPath: string;
}

export interface VersionToDelete {
  version: number;
  layerVersionArn: string;
  createdAt: string | undefined;
  /** Recorded as current in the lock file: deleted only with `force`. */
  current: boolean;
}

export interface RegionDeletionPlan {
  region: string;
  /** Kept: the newest N, and the lock file's current version unless `force`. */
  keep: { version: number; why: 'newest' | 'current' }[];
  remove: VersionToDelete[];
}

export interface VersionDeletionPlan {
  layerName: string;
  lockPath: string;
  regions: RegionDeletionPlan[];
}

interface Deps {
  clients: AwsClients;
  signal: AbortSignal;
}

/** The versions the lock file records as current, per region, for one layer. */
function currentVersions(lock: LockFile, layerName: string): Map<string, Set<number>> {
  const byRegion = new Map<string, Set<number>>();
  for (const entry of lock.layers) {
    if (entry.layerName !== layerName || !entry.current) continue;
    byRegion.set(entry.region, (byRegion.get(entry.region) ?? new Set()).add(entry.layerVersion));
  }
  return byRegion;
}

function regionError(region: string, error: unknown, clients: AwsClients): UserError {
  if (error instanceof UserError) return error;
  const { message, hint } = describeAwsError(error, (t) => clients.redact(t));
  return new UserError(`${region}: ${message}`, {
    hint,
    cause: redactedCause(error, (t) => clients.redact(t)),
    exitCode: 1,
  });
}

/**
 * What `versions delete` would do: per region, every version of the layer (ListLayerVersions),
 * the newest `keepLast` kept, the lock file's current version kept unless `force`, the rest to
 * delete. Reads only.
 */
export async function planVersionDeletion(
  options: DeleteVersionsOptions,
  { clients, signal }: Deps,
): Promise<VersionDeletionPlan> {
  const layerName = validateLayerName(options.layerName);
  if (!Number.isInteger(options.keepLast) || options.keepLast < 1) {
    throw new UserError(`--keep-last must be a whole number ≥ 1, got ${options.keepLast}`);
  }
  const regions = await resolveRegions(options.regions, clients);
  const current = currentVersions(await readLockFile(options.lockPath), layerName);
  await clients.checkCredentials();
  const plans: RegionDeletionPlan[] = [];
  for (const region of regions) {
    let versions;
    try {
      versions = await listNewestVersions(clients.lambda(region), layerName, Number.MAX_SAFE_INTEGER, signal);
    } catch (error) {
      if (isAbortError(error) || signal.aborted) throw new InterruptedError();
      throw regionError(region, error, clients);
    }
    const recorded = current.get(region) ?? new Set<number>();
    const plan: RegionDeletionPlan = { region, keep: [], remove: [] };
    versions.forEach((item, rank) => {
      const version = item.Version ?? 0;
      const isCurrent = recorded.has(version);
      if (rank < options.keepLast) plan.keep.push({ version, why: 'newest' });
      else if (isCurrent && !options.force) plan.keep.push({ version, why: 'current' });
      else {
        plan.remove.push({
          version,
          layerVersionArn: item.LayerVersionArn ?? '',
          createdAt: isoDate(item.CreatedDate),
          current: isCurrent,
        });
      }
    });
    plans.push(plan);
  }
  return { layerName, lockPath: options.lockPath, regions: plans };
}

export interface DeletedVersion {
  region: string;
  version: number;
  layerVersionArn: string;
}

/**
 * Drops the deleted versions from the lock file, written atomically. A lock file that records
 * none of them is left as it is (and none is created).
 */
async function forgetInLockFile(
  lockPath: string,
  layerName: string,
  deleted: DeletedVersion[],
): Promise<void> {
  if (deleted.length === 0) return;
  const lock = await readLockFile(lockPath);
  const gone = new Set(deleted.map((d) => `${d.region}\u0000${d.version}`));
  const layers = lock.layers.filter(
    (e) => !(e.layerName === layerName && gone.has(`${e.region}\u0000${e.layerVersion}`)),
  );
  if (layers.length === lock.layers.length) return;
  await writeFileAtomic(lockPath, serializeLockFile({ ...lock, layers }));
}

/**
 * Deletes the plan's versions (DeleteLayerVersion), region by region. Stops between two calls
 * when the signal aborts, and on the first error; either way the lock file then forgets exactly
 * the versions that were deleted.
 */
export async function deleteLayerVersions(
  plan: VersionDeletionPlan,
  { clients, signal }: Deps,
): Promise<DeletedVersion[]> {
  const deleted: DeletedVersion[] = [];
  try {
    for (const region of plan.regions) {
      for (const version of region.remove) {
        throwIfAborted(signal);
        try {
          await clients
            .lambda(region.region)
            .send(
              new DeleteLayerVersionCommand({ LayerName: plan.layerName, VersionNumber: version.version }),
              { abortSignal: signal },
            );
        } catch (error) {
          if (isAbortError(error) || signal.aborted) throw new InterruptedError();
          throw regionError(region.region, error, clients);
        }
        deleted.push({
          region: region.region,
          version: version.version,
          layerVersionArn: version.layerVersionArn,
        });
      }
    }
  } finally {
    await forgetInLockFile(plan.lockPath, plan.layerName, deleted);
  }
  return deleted;
}
