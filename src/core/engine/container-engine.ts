import type { Readable } from 'node:stream';

/** Labels on every container layerforge starts, so leftovers can be found and removed. */
export const LABELS = {
  managed: 'dev.layerforge.managed',
  pid: 'dev.layerforge.pid',
  host: 'dev.layerforge.host',
  purpose: 'dev.layerforge.purpose',
  baseDigest: 'dev.layerforge.base-digest',
} as const;

export interface Mount {
  hostPath: string;
  containerPath: string;
  readOnly: boolean;
}

export interface ContainerSpec {
  image: string;
  /** Replaces the image's entrypoint (Lambda's images start their runtime by default). */
  entrypoint?: string[];
  command: string[];
  env: Record<string, string>;
  mounts?: Mount[];
  labels?: Record<string, string>;
  /** `uid:gid`; LAMBDA_USER (src/core/lambda/sandbox.ts) runs a function as Lambda does. */
  user?: string;
  readOnlyRootFs?: boolean;
  tmpfs?: Record<string, string>;
  /** `none`, `default` (the engine's), `host`, or a network's name. */
  network?: string;
  workingDir?: string;
  platform?: string;
}

/** What the engine knows of a local image. */
export interface ImageInfo {
  id: string;
  /** Docker's arch name: `amd64`, `arm64`. */
  architecture: string;
  /** When the image was built (RFC 3339), if the engine says. */
  created?: string;
  /** `repository@sha256:...` for each registry it came from; empty for a locally built image. */
  repoDigests: string[];
}

/** What the engine says about itself (Docker's `GET /version`). */
export interface EngineVersion {
  /** The engine's release: `20.10.24+dfsg1`, `27.3.1`. */
  version: string;
  /** The highest API version it speaks: `1.41`. */
  apiVersion: string;
  /** Docker's names: `linux`, and `amd64` or `arm64`. */
  os: string;
  arch: string;
  /** The kernel the engine runs on: equal to this machine's when they share one. */
  kernelVersion?: string;
}

/** An image as the engine lists it. */
export interface ListedImage {
  id: string;
  /** `repository:tag` names; empty for a dangling image. */
  tags: string[];
  bytes: number;
  /** When it was built (RFC 3339). */
  created: string;
  labels: Record<string, string>;
}

/** What removing an image did: `in-use` when a container uses it or another image is built on it. */
export type ImageRemoval = 'removed' | 'absent' | 'in-use';

export interface ContainerRun {
  id: string;
  exitCode: number;
}

/**
 * The Docker engine as layerforge needs it. dockerode implements it (docker-engine.ts);
 * unit tests may use a fake. Every call that can take long accepts an AbortSignal.
 */
export interface ContainerEngine {
  /** Resolves when the engine answers; throws a JobFailedError explaining how to start one. */
  ping(signal?: AbortSignal): Promise<void>;
  /** The image's id, or undefined when the engine does not have it. */
  imageId(reference: string): Promise<string | undefined>;
  /** The image's id, arch, age and registry digests, or undefined when the engine does not have it. */
  inspectImage(reference: string): Promise<ImageInfo | undefined>;
  /** Pulls an image, reporting progress lines. */
  pullImage(
    reference: string,
    platform: string,
    onLine: (line: string) => void,
    signal?: AbortSignal,
  ): Promise<void>;
  /** Builds an image from a tar build context (a Dockerfile at its root). Returns the image id. */
  buildImage(
    context: Readable,
    options: { tag: string; labels: Record<string, string>; platform?: string },
    onLine: (line: string) => void,
    signal?: AbortSignal,
  ): Promise<string>;
  /** Loads a `docker save`-format archive (the image's tags come from its manifest). */
  loadImage(archive: Readable, signal?: AbortSignal): Promise<void>;
  tagImage(id: string, tag: string): Promise<void>;
  /**
   * Creates and starts a container, streams its output line by line, and waits for it to exit.
   * The container is kept (for `copyFrom`) until `removeContainer`; on abort it is killed and removed.
   */
  runContainer(
    spec: ContainerSpec,
    onLine: (line: string) => void,
    signal?: AbortSignal,
  ): Promise<ContainerRun>;
  /** A tar stream of `path` inside a (stopped) container. */
  copyFrom(containerId: string, path: string): Promise<Readable>;
  /**
   * Creates a container and does not start it: its file system can be read with `copyFrom`
   * without running anything in the image, which may lack every tool. Remove it when done.
   */
  createContainer(spec: ContainerSpec): Promise<string>;
  /** Like `copyFrom`, but undefined when `path` does not exist in the container. */
  copyFromIfPresent(containerId: string, path: string): Promise<Readable | undefined>;
  removeContainer(containerId: string): Promise<void>;
  /** Containers carrying every given label, with their labels. */
  listContainers(labels: Record<string, string>): Promise<{ id: string; labels: Record<string, string> }[]>;
  /** The engine's versions, OS and arch; throws a JobFailedError when it does not answer. */
  version(signal?: AbortSignal): Promise<EngineVersion>;
  /**
   * The machine the engine runs on, as its `GET /info` says (`Architecture`: `x86_64`, `aarch64`):
   * what a matrix routes cells by. Throws a JobFailedError when the engine does not answer.
   */
  architecture(signal?: AbortSignal): Promise<string>;
  /** Images carrying every given label, or whose name matches `reference` (`layerforge/*`). */
  listImages(query: { labels?: Record<string, string>; reference?: string }): Promise<ListedImage[]>;
  /**
   * Removes an image by name (the name only, when it has others) or id, never forcing: an
   * image a container uses stays, so a build running at the same time keeps its image.
   */
  removeImage(reference: string): Promise<ImageRemoval>;
  /** The endpoint, for messages: `unix:///var/run/docker.sock`. */
  readonly endpoint: string;
}
