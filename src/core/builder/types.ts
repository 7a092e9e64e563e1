import type { PullPolicy } from '../base-images/image-presence.js';
import type { ResolvedBase } from '../base-images/resolve.js';
import type { StepIO } from '../job-context.js';
import type { LayerManifest } from '../layer/manifest.js';
import type { PruneProfile } from '../prune/rules.js';
import type { RemoteCache } from '../remote-cache/location.js';
import type { Architecture } from '../runtimes/catalog.js';

export interface BuildLayerOptions {
  /** `name` or `name@range`. */
  recipe: string;
  /** Defaults to the recipe's first runtime. */
  runtime?: string;
  /** Defaults to x86_64 when the recipe supports it. */
  arch?: Architecture;
  /** Base image pair: `lambda` (official Amazon Linux images, the default) or a stand-in like `debian12`. */
  base?: string;
  /**
   * A base image pair the caller already resolved for this runtime and arch, used as it is:
   * `base` and LAYERFORGE_BASE are not read. Invoke resolves the function's once and builds
   * each recipe layer on it.
   */
  resolvedBase?: ResolvedBase;
  /** Folder for zips and manifests; default `dist` under cwd. */
  outDir?: string;
  /** User recipe folders, searched before the bundled ones. */
  recipeDirs?: string[];
  /** Rebuild even when an artifact with the same inputs exists. */
  noCache?: boolean;
  /** Skip the audit after the build. */
  noAudit?: boolean;
  /** Run the recipe's smoke tests in the runtime image after zipping. */
  test?: boolean;
  /** Pruning profile: `none`, `safe` (the default) or `max`; every rule is checked by the smoke tests. */
  prune?: PruneProfile;
  /** Python bytecode: `auto` (the default: `pyc` unless the profile is `none`), `none`, `pyc` or `pyc-only`. */
  bytecode?: 'auto' | 'none' | 'pyc' | 'pyc-only';
  /** When to pull the official images: `missing` (the default), `always` or `never`. */
  pull?: PullPolicy;
  /** Offline source folder: files are looked up there by name before downloading. */
  sourcesDir?: string;
  /** Lets recipe sources download from loopback (a local mirror, a test server). */
  allowLocalSources?: boolean;
  /** Bytes of the 250 MB already used by the function and other layers. */
  reservedBytes?: number;
  /**
   * Variables the build container gets (`--build-env`, `buildEnv` in the config), e.g.
   * PIP_INDEX_URL. Their values are secrets to layerforge: redacted from every output and never
   * in the cache key; their names are in it. HTTP(S)_PROXY and NO_PROXY from the job's
   * environment are passed without being listed here.
   */
  buildEnv?: Record<string, string>;
  /**
   * The Docker network the build container joins (`--docker-network`): `host` reaches a proxy or
   * a mirror on this machine's loopback. Default: the engine's default network.
   */
  dockerNetwork?: string;
  /**
   * For a recipe made from unpinned dependencies: a cached build older than this is built again,
   * so pip resolves anew (0: now, `--refresh`). Undefined: a cached build never goes stale.
   */
  resolveMaxAgeMs?: number;
  /**
   * A cache shared by several machines (`--cache s3://bucket/prefix`): read after the local cache
   * misses, written after a build. Not used for a build from unpinned dependencies
   * (`resolveMaxAgeMs` set): their entries go stale by age, which a shared entry cannot show.
   */
  remoteCache?: RemoteCache;
  /** Today, for the runtime's lifecycle (tests fix it); default the clock. */
  now?: Date;
}

export interface BuildLayerResult {
  zipPath: string;
  manifestPath: string;
  manifest: LayerManifest;
  /** True when the artifact came from the cache and no container was started. */
  cached: boolean;
  /** True when that cache entry came from the remote cache: built on another machine. */
  remote?: boolean;
}

/**
 * The core build as the TUI and `publish <recipe>` receive it: the caller has bound it to its
 * job's folder, environment and engine, and passes only where events go and when to stop.
 */
export type BuildLayer = (options: BuildLayerOptions, io: StepIO) => Promise<BuildLayerResult>;
