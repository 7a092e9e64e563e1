import { resolve } from 'node:path';
import pLimit from 'p-limit';
import { InterruptedError, UserError, throwIfAborted } from '../errors.js';
import { isFileSync } from '../fs/is-file.js';
import { manifestPathFor, readManifest } from '../layer/manifest.js';
import { COMPATIBLE_RUNTIMES_MAX } from '../lambda/layer-version-limits.js';
import { LAMBDA_LIMITS } from '../lambda/quotas.js';
import { parseBucketSpec, bucketForRegion, type BucketSpec } from './bucket-spec.js';
import { auditPlainZip, checkFlagsAgainstManifest, plainZipFacts, type LayerFacts } from './plain-zip.js';
import { defaultLayerName, layerMetadata, validateLayerName } from './layer-metadata.js';
import { accountOfArn, lockFilePath, readLockFile, recordInLockFile, type LockEntry } from './lock-file.js';
import { publishRegion, type RegionJob } from './publish-region.js';
import { resolveRegions } from './regions.js';
import { checkCompatibleRuntimes, plannedRuntimes } from './runtime-lifecycle.js';
import { grantsFor } from './sharing.js';
import type { PublishDeps, PublishOptions, PublishSummary, RegionOutcome, RegionSuccess } from './types.js';
import { digestFile, verifyZipAgainstManifest, type ZipDigest } from './verify-zip.js';

const DEFAULT_CONCURRENCY = 4;

/** A path to an existing file or anything ending in `.zip` is a zip; the rest is a recipe spec. */
export function isZipTarget(target: string, cwd: string): boolean {
  if (/\.zip$/i.test(target)) return true;
  return isFileSync(resolve(cwd, target));
}

/**
 * `layerforge publish`: verifies the zip against its manifest (or, for a zip layerforge did not
 * build, audits it for the given runtimes and arch), then publishes it to each region
 * (at most `concurrency` at once), reusing a version with identical content, and records every
 * outcome in `layerforge.lock.json`. A failed region does not stop or undo the others: the
 * summary holds each region's outcome. Bad input (names, flags, a zip that does not match its
 * manifest, no region, no credentials) is a UserError before anything is uploaded.
 */
export async function publishLayer(options: PublishOptions, deps: PublishDeps): Promise<PublishSummary> {
  const { clients, sink, signal } = deps;
  // Everything checkable without AWS or a build is checked first.
  if (options.layerName !== undefined) validateLayerName(options.layerName);
  const grants = grantsFor(options.sharing);
  const bucketSpec: BucketSpec | undefined = options.s3Bucket ? parseBucketSpec(options.s3Bucket) : undefined;
  const zipTarget = isZipTarget(options.target, options.cwd);
  let verified = zipTarget ? await zipArtifact(options, deps) : undefined;
  const now = deps.now ?? (() => new Date());
  // Before any AWS call and before a build: a runtime Lambda blocks is known from the inputs.
  checkCompatibleRuntimes(verified ? verified.facts.runtimes : await plannedRuntimes(options), {
    allowDeprecated: options.allowDeprecated ?? false,
    now: now(),
    sink,
    warn: zipTarget,
  });

  const regions = await resolveRegions(options.regions, clients);
  // Bucket names for every region up front: a gap in the map fails before any upload.
  const buckets = new Map(
    regions.map((r) => [r, bucketSpec ? bucketForRegion(bucketSpec, r, regions.length) : undefined]),
  );
  // A damaged lock file fails now, not after versions were published that it could not record.
  await readLockFile(lockFilePath(options.cwd));
  // Before a build that may take minutes, not after it.
  await clients.checkCredentials();
  verified ??= await buildArtifact(options, deps);
  const { zipPath, manifestPath, facts, digest } = verified;
  const artifact = verified;
  const layerName = options.layerName ?? validateLayerName(defaultLayerName(facts, zipPath));
  if (digest.bytes > LAMBDA_LIMITS.directUploadZippedBytes && !bucketSpec) {
    throw new UserError(
      `${zipPath} is ${(digest.bytes / 1024 / 1024).toFixed(1)} MB zipped: over the 50 MB Lambda accepts inline`,
      {
        hint: 'stage it in S3 with --s3-bucket <bucket> (or "name-{region}" for several regions), plus --create-bucket if it does not exist',
      },
    );
  }

  const { droppedRuntimes, ...metadata } = layerMetadata(facts, digest.sha256, zipPath);
  if (droppedRuntimes.length > 0) {
    sink({
      type: 'warning',
      code: 'publish.runtimes-truncated',
      message: `Lambda accepts ${COMPATIBLE_RUNTIMES_MAX} compatible runtimes; left out: ${droppedRuntimes.join(', ')}`,
    });
  }
  const limit = pLimit(Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY));
  const outcomes: RegionOutcome[] = await Promise.all(
    regions.map((region) =>
      limit(() => {
        throwIfAborted(signal);
        const bucket = buckets.get(region);
        const job: RegionJob = {
          region,
          layerName,
          zipPath,
          digest,
          metadata,
          ...(bucket ? { bucket } : {}),
          createBucket: options.createBucket ?? false,
          keepStaged: options.keepStaged ?? false,
          grants,
          retry: { attempts: options.retry?.attempts ?? 4, baseDelayMs: options.retry?.baseDelayMs ?? 500 },
        };
        return publishRegion(job, clients, sink, signal);
      }),
    ),
  );
  if (signal.aborted) throw new InterruptedError();

  const succeeded = outcomes.filter((o): o is RegionSuccess => o.ok);
  const lockFile = lockFilePath(options.cwd);
  if (succeeded.length > 0) {
    await recordInLockFile(
      lockFile,
      succeeded.map((o) => lockEntry(o, layerName, artifact, now)),
    );
  }
  return {
    layerName,
    zipPath,
    manifestPath,
    sha256: digest.sha256,
    codeSha256: digest.codeSha256,
    zippedBytes: digest.bytes,
    regions: outcomes,
    lockFile: succeeded.length > 0 ? lockFile : undefined,
  };
}

interface Artifact {
  zipPath: string;
  /** null for a zip layerforge did not build: its facts came from the flags. */
  manifestPath: string | null;
  facts: LayerFacts;
  digest: ZipDigest;
  /** The manifest's inputs digest; null for a zip layerforge did not build. */
  inputsDigest: string | null;
}

/**
 * A zip target: with a manifest beside it, the zip must be the one the manifest describes; without
 * one, `--runtime` and `--arch` say what it is for, and it is inspected and audited for them.
 */
async function zipArtifact(options: PublishOptions, deps: PublishDeps): Promise<Artifact> {
  const zipPath = resolve(options.cwd, options.target);
  if (!isFileSync(zipPath)) {
    throw new UserError(`no zip at ${zipPath}`, {
      hint: 'build the layer first with `layerforge build`, or give the path of a layer zip',
    });
  }
  const manifestPath = manifestPathFor(zipPath);
  if (isFileSync(manifestPath)) {
    const manifest = await readManifest(manifestPath);
    checkFlagsAgainstManifest(manifest, manifestPath, options.zip);
    const digest = await verifyZipAgainstManifest(zipPath, manifestPath, manifest, deps.signal);
    return { zipPath, manifestPath, facts: manifest, digest, inputsDigest: manifest.inputsDigest };
  }
  const facts = plainZipFacts(zipPath, options.zip);
  if (options.zip?.audit !== false) await auditPlainZip(zipPath, facts, deps);
  const digest = await digestFile(zipPath, deps.signal);
  return { zipPath, manifestPath: null, facts, digest, inputsDigest: null };
}

async function buildArtifact(options: PublishOptions, deps: PublishDeps): Promise<Artifact> {
  if (!deps.buildLayer) throw new Error('publishLayer was given a recipe but no buildLayer');
  const built = await deps.buildLayer(
    {
      ...options.build,
      recipe: options.target,
      ...(deps.now ? { now: deps.now() } : {}),
    },
    { sink: deps.sink, signal: deps.signal },
  );
  const digest = await verifyZipAgainstManifest(
    built.zipPath,
    built.manifestPath,
    built.manifest,
    deps.signal,
  );
  return {
    zipPath: built.zipPath,
    manifestPath: built.manifestPath,
    facts: built.manifest,
    digest,
    inputsDigest: built.manifest.inputsDigest,
  };
}

function lockEntry(
  outcome: RegionSuccess,
  layerName: string,
  { facts, digest, inputsDigest }: Artifact,
  now: () => Date,
): LockEntry {
  const account = accountOfArn(outcome.layerVersionArn);
  // Lambda returned it: an ARN without an account would be a bug, not the user's input.
  if (account === undefined)
    throw new Error(`Lambda returned ${outcome.layerVersionArn}, not a layer version ARN`);
  return {
    layerName,
    account,
    recipe: facts.recipe?.name ?? null,
    recipeVersion: facts.recipe?.version ?? null,
    runtimes: facts.runtimes,
    arch: facts.arch,
    region: outcome.region,
    layerVersionArn: outcome.layerVersionArn,
    layerVersion: outcome.version,
    sha256: digest.sha256,
    codeSha256: digest.codeSha256,
    inputsDigest,
    publishedAt: outcome.createdAt ?? now().toISOString(),
    current: true,
  };
}
