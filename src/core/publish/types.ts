import type { AwsClients } from '../aws/clients.js';
import type { BuildLayer, BuildLayerOptions } from '../builder/types.js';
import type { StepIO } from '../job-context.js';

/** Who may use the published layer version, besides its owner. */
export interface SharingOptions {
  /** Every AWS account (principal `*`). */
  public?: boolean;
  /** Account ids (12 digits) or `arn:aws:iam::<account>:root`. */
  principals?: string[];
  /** Organization ids (`o-…`): principal `*` limited to the organization. */
  orgs?: string[];
}

export interface PublishOptions {
  /** A zip path (its manifest beside it), or `recipe[@range]` to build first. */
  target: string;
  /** For a recipe target: passed to the build (its recipe is replaced by the target). */
  build?: Partial<BuildLayerOptions>;
  /** Regions to publish to; empty means the SDK's default region. */
  regions?: string[];
  /** Overrides the default `<recipe>-<runtime>-<arch>` name. */
  layerName?: string;
  sharing?: SharingOptions;
  /** `bucket`, `region=bucket,…` or a template containing `{region}`. */
  s3Bucket?: string;
  createBucket?: boolean;
  keepStaged?: boolean;
  /** Regions published at once. */
  concurrency?: number;
  /** Where `layerforge.lock.json` lives; default cwd. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /**
   * Publish even when a compatible runtime is past its block-create date (a warning, not a
   * refusal): for layers that serve functions already on that runtime.
   */
  allowDeprecated?: boolean;
  /** Attempts and first delay for PublishLayerVersion retries (tests shorten the delay). */
  retry?: { attempts?: number; baseDelayMs?: number };
}

/** What a publish runs with: the job's sink and signal, its AWS clients, and the build for a recipe target. */
export interface PublishDeps extends StepIO {
  clients: AwsClients;
  /** Needed only when the target is a recipe. */
  buildLayer?: BuildLayer;
  /** Injected clock: the lock file's timestamps and the runtimes' lifecycle. */
  now?: () => Date;
}

export interface RegionSuccess {
  region: string;
  ok: true;
  layerVersionArn: string;
  version: number;
  /** An existing version had the same content: nothing was published. */
  reused: boolean;
  /** A publish whose response was lost had in fact created this version. */
  recovered: boolean;
  createdAt: string | undefined;
  /** Where the zip was staged, when it went through S3. */
  staged?: { bucket: string; key: string; kept: boolean };
  /** Statement ids now on the version's policy because of this run's sharing options. */
  permissions: string[];
}

export interface RegionFailure {
  region: string;
  ok: false;
  error: string;
  hint?: string;
}

export type RegionOutcome = RegionSuccess | RegionFailure;

export interface PublishSummary {
  layerName: string;
  zipPath: string;
  manifestPath: string;
  sha256: string;
  codeSha256: string;
  zippedBytes: number;
  /** In the order the regions were given. */
  regions: RegionOutcome[];
  /** The lock file, when at least one region succeeded. */
  lockFile: string | undefined;
}
