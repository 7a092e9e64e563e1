import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import tar, { pack } from 'tar-stream';
import type {
  ContainerEngine,
  ContainerRun,
  ContainerSpec,
  EngineVersion,
  ImageInfo,
  ImageRemoval,
  ListedImage,
} from '../../src/core/engine/container-engine.js';

/** What a fake container prints and how it exits. */
export interface FakeRunResult {
  lines?: string[];
  exitCode?: number;
}

export interface FakeContainer {
  id: string;
  labels: Record<string, string>;
  /** The image it was created from. */
  image?: string;
}

/** A file in a fake image: its contents, or the target of a symlink. */
export type FakeFile = { contents: string } | { linkTo: string };

/**
 * Where a folder leads when it is a link (merged /usr: `/lib64` → `usr/lib64`): `dir/.` streams
 * the target's contents, as the engine's archive API does.
 */
function followFolderLink(fileSystem: Record<string, FakeFile>, folder: string): string {
  for (let hops = 0; hops < 8; hops++) {
    const entry = fileSystem[folder];
    if (!entry || !('linkTo' in entry)) return folder;
    folder = posix.resolve(posix.dirname(folder), entry.linkTo);
  }
  return folder;
}

/** The names and contents of the files in a build context, read whole as the engine reads it. */
export async function contextFiles(context: Readable): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: unknown) => chunks.push(Buffer.from(chunk as Uint8Array)));
      stream.on('end', () => {
        files.set(header.name, Buffer.concat(chunks));
        next();
      });
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  context.pipe(extract as unknown as NodeJS.WritableStream);
  await done;
  return files;
}

/**
 * An in-memory ContainerEngine for unit tests: images and containers are plain maps, every call
 * is recorded, and `onRun` decides what a container prints. It starts no process.
 */
export class FakeEngine implements ContainerEngine {
  readonly endpoint: string;
  /** Image reference → id and architecture. */
  readonly images = new Map<
    string,
    {
      id: string;
      architecture: string;
      created?: string;
      repoDigests?: string[];
      labels?: Record<string, string>;
      bytes?: number;
    }
  >();
  /** What `version` answers; set `unreachable` to make it (and `ping`) fail as a stopped engine does. */
  engineVersion: EngineVersion = { version: '27.0.0-fake', apiVersion: '1.47', os: 'linux', arch: 'amd64' };
  unreachable = false;
  /** What `architecture` answers, as the engine's `/info` does: `x86_64`, `aarch64`. */
  infoArchitecture = 'x86_64';
  /** `architecture` calls, so a test can tell the engine was asked. */
  infoCalls = 0;
  /** Image ids a container uses: `removeImage` refuses them, as the engine does. */
  readonly imagesInUse = new Set<string>();
  /** Every `removeImage` call, in order. */
  readonly imageRemovals: string[] = [];
  readonly containers = new Map<string, FakeContainer>();
  /** Specs of every container run, in order. */
  readonly runs: ContainerSpec[] = [];
  readonly removed: string[] = [];
  readonly pulls: { reference: string; platform: string }[] = [];
  /** Every image asked about (imageId or inspectImage), in order: each is a round trip to an engine. */
  readonly imageQuestions: string[] = [];
  /** Every build, with the Dockerfile its context held. */
  readonly builds: { tag: string; labels: Record<string, string>; platform?: string; dockerfile: string }[] =
    [];
  readonly tags: { id: string; tag: string }[] = [];
  loads = 0;
  pings = 0;
  onRun: (spec: ContainerSpec) => FakeRunResult = () => ({});
  /** Image reference → absolute path → file: what `copyFrom` of a created container streams. */
  readonly fileSystems = new Map<string, Record<string, FakeFile>>();
  /** Specs of every container created and never started. */
  readonly created: ContainerSpec[] = [];
  /** Paths read through the archive API, in order. */
  readonly copies: string[] = [];
  private nextId = 1;

  constructor(endpoint = 'fake://engine') {
    this.endpoint = endpoint;
  }

  /** Adds a container as if an earlier run had left it behind. */
  addContainer(labels: Record<string, string>): string {
    const id = `container-${this.nextId++}`;
    this.containers.set(id, { id, labels });
    return id;
  }

  async ping(): Promise<void> {
    this.pings += 1;
    if (this.unreachable) throw new Error(`cannot reach the Docker engine at ${this.endpoint}`);
  }

  async version(): Promise<EngineVersion> {
    if (this.unreachable) throw new Error(`cannot reach the Docker engine at ${this.endpoint}`);
    return this.engineVersion;
  }

  async architecture(): Promise<string> {
    this.infoCalls += 1;
    if (this.unreachable) throw new Error(`cannot reach the Docker engine at ${this.endpoint}`);
    return this.infoArchitecture;
  }

  /** Images by tag, grouped by id: one entry per image, with all its tags (a dangling one's key is its id). */
  async listImages(query: { labels?: Record<string, string>; reference?: string }): Promise<ListedImage[]> {
    const byId = new Map<string, ListedImage>();
    const pattern = query.reference
      ? new RegExp(`^${query.reference.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^:]*')}(:|$)`)
      : undefined;
    for (const [reference, image] of this.images) {
      const labels = image.labels ?? {};
      const tagged = !reference.startsWith('sha256:');
      if (query.labels && !Object.entries(query.labels).every(([k, v]) => labels[k] === v)) continue;
      if (pattern && !(tagged && pattern.test(reference))) continue;
      const listed = byId.get(image.id) ?? {
        id: image.id,
        tags: [],
        bytes: image.bytes ?? 1000,
        created: image.created ?? '2026-11-30T00:00:00Z',
        labels,
      };
      if (tagged) listed.tags.push(reference);
      byId.set(image.id, listed);
    }
    return [...byId.values()];
  }

  async removeImage(reference: string): Promise<ImageRemoval> {
    this.imageRemovals.push(reference);
    const image = this.images.get(reference) ?? [...this.images.values()].find((i) => i.id === reference);
    if (!image) return 'absent';
    if (this.imagesInUse.has(image.id)) return 'in-use';
    if (this.images.has(reference) && !reference.startsWith('sha256:')) this.images.delete(reference);
    else for (const [key, i] of this.images) if (i.id === reference) this.images.delete(key);
    return 'removed';
  }

  async imageId(reference: string): Promise<string | undefined> {
    this.imageQuestions.push(reference);
    return this.images.get(reference)?.id;
  }

  async inspectImage(reference: string): Promise<ImageInfo | undefined> {
    this.imageQuestions.push(reference);
    const image = this.images.get(reference);
    if (!image) return undefined;
    return {
      id: image.id,
      architecture: image.architecture,
      created: image.created ?? '2026-11-30T00:00:00Z',
      repoDigests: image.repoDigests ?? [],
    };
  }

  async pullImage(reference: string, platform: string, onLine: (line: string) => void): Promise<void> {
    this.pulls.push({ reference, platform });
    onLine(`pulled ${reference}`);
    const id = `sha256:pulled-${this.nextId++}`;
    this.images.set(reference, {
      id,
      architecture: platform.split('/')[1] ?? '',
      // What the registry would name: the repository and the sha256 of the manifest pulled.
      repoDigests: [
        `${reference.replace(/:[^/:]*$/, '')}@sha256:${createHash('sha256').update(`${reference} ${id}`).digest('hex')}`,
      ],
    });
  }

  async buildImage(
    context: Readable,
    options: { tag: string; labels: Record<string, string>; platform?: string },
  ): Promise<string> {
    const dockerfile = (await contextFiles(context)).get('Dockerfile')?.toString('utf8') ?? '';
    this.builds.push({ ...options, dockerfile });
    const id = `sha256:built-${this.nextId++}`;
    // Without a build platform each stage takes its own image's arch, so the image is its last FROM's.
    const last = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].at(-1)?.[1];
    const from = last ? this.images.get(last)?.architecture : undefined;
    this.images.set(options.tag, { id, architecture: options.platform?.split('/')[1] ?? from ?? 'amd64' });
    return id;
  }

  async loadImage(archive: Readable): Promise<void> {
    for await (const _chunk of archive) void _chunk;
    this.loads += 1;
  }

  async tagImage(id: string, tag: string): Promise<void> {
    this.tags.push({ id, tag });
  }

  async runContainer(spec: ContainerSpec, onLine: (line: string) => void): Promise<ContainerRun> {
    this.runs.push(spec);
    const id = this.addContainer({ ...spec.labels });
    const result = this.onRun(spec);
    for (const line of result.lines ?? []) onLine(line);
    return { id, exitCode: result.exitCode ?? 0 };
  }

  async copyFrom(_containerId: string, _path: string): Promise<Readable> {
    return Readable.from([]);
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    this.created.push(spec);
    const id = this.addContainer({ ...spec.labels });
    const container = this.containers.get(id);
    if (container) container.image = spec.image;
    return id;
  }

  /**
   * As the engine streams a path: `dir/.` follows links to the folder and names its contents
   * `./...`; without `/.`, a link is sent as itself and a folder as `name/...`, `name` its last
   * part. Absent → undefined.
   */
  async copyFromIfPresent(containerId: string, path: string): Promise<Readable | undefined> {
    this.copies.push(path);
    const image = this.containers.get(containerId)?.image;
    const fileSystem = this.fileSystems.get(image ?? '') ?? {};
    const contents = path.endsWith('/.');
    const own = fileSystem[path];
    if (!contents && own && 'linkTo' in own) {
      const archive = pack();
      archive.entry({ name: posix.basename(path), type: 'symlink', linkname: own.linkTo });
      archive.finalize();
      return archive as unknown as Readable;
    }
    const folder = (contents ? followFolderLink(fileSystem, path.slice(0, -2)) : path) + '/';
    const inside = Object.entries(fileSystem).filter(([file]) => file.startsWith(folder));
    if (inside.length === 0) return undefined;
    const prefix = contents ? './' : `${posix.basename(path)}/`;
    const archive = pack();
    archive.entry({ name: prefix, type: 'directory' });
    for (const [file, body] of inside) {
      const name = prefix + file.slice(folder.length);
      if ('linkTo' in body) archive.entry({ name, type: 'symlink', linkname: body.linkTo });
      else archive.entry({ name }, body.contents);
    }
    archive.finalize();
    return archive as unknown as Readable;
  }

  async removeContainer(containerId: string): Promise<void> {
    this.removed.push(containerId);
    this.containers.delete(containerId);
  }

  async listContainers(labels: Record<string, string>): Promise<FakeContainer[]> {
    return [...this.containers.values()].filter((c) =>
      Object.entries(labels).every(([key, value]) => c.labels[key] === value),
    );
  }
}
