import { hostname } from 'node:os';
import { PassThrough, type Readable } from 'node:stream';
import type Docker from 'dockerode';
import { InterruptedError } from '../errors.js';
import {
  LABELS,
  type ContainerEngine,
  type ContainerRun,
  type ContainerSpec,
  type EngineVersion,
  type ImageInfo,
  type ImageRemoval,
  type ListedImage,
} from './container-engine.js';
import { modemWith, type DockerConnection } from './docker-connection.js';
import type { DockerEndpoint } from './docker-endpoint.js';
import { DEFAULT_DOCKER_HOST } from './docker-host.js';
import { engineFailure, unreachable, type DockerError } from './engine-errors.js';
import { engineGet } from './engine-http.js';
import { lineSplitter } from './line-splitter.js';

/** The local socket, for an engine made without a resolved endpoint (tests, tools). */
const LOCAL_ENDPOINT: DockerEndpoint = {
  host: DEFAULT_DOCKER_HOST,
  source: 'default',
  transport: { kind: 'unix', socketPath: DEFAULT_DOCKER_HOST.slice('unix://'.length) },
};

/** Reads a Docker JSON-message stream (build, pull, import), forwarding text and failing on errors. */
function followJsonStream(
  stream: NodeJS.ReadableStream,
  onLine: (line: string) => void,
  onAux?: (aux: { ID?: string }) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const splitter = lineSplitter((raw) => {
      if (raw.trim().length === 0) return;
      let message: {
        stream?: string;
        status?: string;
        progress?: string;
        error?: string;
        aux?: { ID?: string };
      };
      try {
        message = JSON.parse(raw) as typeof message;
      } catch {
        onLine(raw);
        return;
      }
      if (message.error) {
        splitter.destroy(new Error(message.error));
        return;
      }
      if (message.aux && onAux) onAux(message.aux);
      const text =
        message.stream ??
        (message.status ? `${message.status}${message.progress ? ` ${message.progress}` : ''}` : '');
      for (const line of text.split('\n')) if (line.trim().length > 0) onLine(line.trimEnd());
    });
    splitter.on('error', reject);
    splitter.on('finish', resolve);
    stream.on('error', reject);
    stream.pipe(splitter);
  });
}

/**
 * The ContainerEngine backed by a real Docker engine: its read-only JSON calls over plain HTTP
 * (engine-http.ts), everything that streams or changes state through dockerode, loaded on first use.
 */
export class DockerEngine implements ContainerEngine {
  readonly endpoint: string;
  private client?: Promise<Docker>;

  /**
   * The engine at an endpoint resolved by `resolveDockerEndpoint`, over the connection
   * `connectDocker` made for it; without arguments, the local socket.
   */
  constructor(
    private readonly resolved: DockerEndpoint = LOCAL_ENDPOINT,
    private readonly connection: DockerConnection = localConnection(resolved),
  ) {
    this.endpoint = resolved.host;
  }

  private docker(): Promise<Docker> {
    this.client ??= (async () => {
      const [{ default: DockerClient }, modem] = await Promise.all([
        import('dockerode'),
        modemWith(this.connection.address),
      ]);
      // dockerode takes a ready modem (its types do not list the option): see docker-connection.ts.
      return new DockerClient({ modem } as Docker.DockerOptions);
    })();
    return this.client;
  }

  private get<T>(path: string, query?: Record<string, string>, signal?: AbortSignal): Promise<T> {
    return engineGet(this.connection.address, path, query, signal) as Promise<T>;
  }

  /** The error to throw for a failed call: the engine unreachable, TLS or SSH refused, or the call's own. */
  private failure(error: unknown): unknown {
    return this.connection.refusal() ?? engineFailure(error, this.resolved) ?? error;
  }

  async ping(): Promise<void> {
    try {
      await this.get('/_ping');
    } catch (error) {
      const failure = this.failure(error);
      // Whatever else stopped a ping, the engine is not there to use.
      throw failure === error ? unreachable(error, this.resolved) : failure;
    }
  }

  async architecture(signal?: AbortSignal): Promise<string> {
    let raw: { Architecture?: unknown };
    try {
      raw = await this.get('/info', {}, signal);
    } catch (error) {
      const failure = this.failure(error);
      throw failure === error ? unreachable(error, this.resolved) : failure;
    }
    return typeof raw.Architecture === 'string' ? raw.Architecture : '';
  }

  async version(signal?: AbortSignal): Promise<EngineVersion> {
    let raw: Docker.DockerVersion;
    try {
      raw = await this.get('/version', {}, signal);
    } catch (error) {
      const failure = this.failure(error);
      throw failure === error ? unreachable(error, this.resolved) : failure;
    }
    return {
      version: raw.Version,
      apiVersion: raw.ApiVersion,
      os: raw.Os,
      arch: raw.Arch,
      ...(raw.KernelVersion ? { kernelVersion: raw.KernelVersion } : {}),
    };
  }

  async listImages(query: { labels?: Record<string, string>; reference?: string }): Promise<ListedImage[]> {
    const filters: Record<string, string[]> = {};
    if (query.labels) filters.label = Object.entries(query.labels).map(([k, v]) => `${k}=${v}`);
    if (query.reference) filters.reference = [query.reference];
    let list: Docker.ImageInfo[];
    try {
      list = await this.get('/images/json', { all: 'false', filters: JSON.stringify(filters) });
    } catch (error) {
      throw this.failure(error);
    }
    return list.map((image) => ({
      id: image.Id,
      tags: (image.RepoTags ?? []).filter((tag) => tag !== '<none>:<none>'),
      bytes: image.Size,
      created: new Date(image.Created * 1000).toISOString(),
      labels: image.Labels ?? {},
    }));
  }

  async removeImage(reference: string): Promise<ImageRemoval> {
    try {
      const docker = await this.docker();
      await docker.getImage(reference).remove({ force: false, noprune: false });
      return 'removed';
    } catch (error) {
      const status = (error as DockerError).statusCode;
      if (status === 404) return 'absent';
      if (status === 409) return 'in-use';
      throw this.failure(error);
    }
  }

  private async rawImage(reference: string): Promise<Docker.ImageInspectInfo | undefined> {
    try {
      // Unencoded, as dockerode sends it: the engine's route takes the rest of the path as the name.
      return await this.get(`/images/${reference}/json`);
    } catch (error) {
      if ((error as DockerError).statusCode === 404) return undefined;
      throw this.failure(error);
    }
  }

  async imageId(reference: string): Promise<string | undefined> {
    return (await this.rawImage(reference))?.Id;
  }

  async inspectImage(reference: string): Promise<ImageInfo | undefined> {
    const raw = await this.rawImage(reference);
    if (!raw) return undefined;
    return {
      id: raw.Id,
      architecture: raw.Architecture,
      ...(raw.Created ? { created: raw.Created } : {}),
      repoDigests: raw.RepoDigests ?? [],
    };
  }

  async pullImage(
    reference: string,
    platform: string,
    onLine: (line: string) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    const docker = await this.docker();
    const stream = (await docker.pull(reference, {
      platform,
      abortSignal: signal,
    })) as NodeJS.ReadableStream;
    await followJsonStream(stream, onLine);
  }

  async buildImage(
    context: Readable,
    options: { tag: string; labels: Record<string, string>; platform?: string },
    onLine: (line: string) => void,
    signal?: AbortSignal,
  ): Promise<string> {
    let id: string | undefined;
    const docker = await this.docker();
    const stream = await docker.buildImage(context, {
      t: options.tag,
      labels: options.labels,
      rm: true,
      forcerm: true,
      ...(options.platform ? { platform: options.platform } : {}),
      abortSignal: signal,
    });
    await followJsonStream(stream, onLine, (aux) => (id = aux.ID ?? id));
    return id ?? (await this.imageId(options.tag)) ?? options.tag;
  }

  async loadImage(archive: Readable, signal?: AbortSignal): Promise<void> {
    const docker = await this.docker();
    const stream = (await docker.loadImage(archive, { abortSignal: signal })) as NodeJS.ReadableStream;
    await followJsonStream(stream, () => {});
  }

  async tagImage(id: string, tag: string): Promise<void> {
    const [repo = tag, version = 'latest'] = tag.split(/:(?=[^:]*$)/);
    const docker = await this.docker();
    await docker.getImage(id).tag({ repo, tag: version });
  }

  async runContainer(
    spec: ContainerSpec,
    onLine: (line: string) => void,
    signal?: AbortSignal,
  ): Promise<ContainerRun> {
    if (signal?.aborted) throw new InterruptedError();
    const docker = await this.docker();
    let container: Docker.Container;
    try {
      container = await docker.createContainer(containerOptions(spec));
    } catch (error) {
      throw this.failure(error);
    }
    // One removal, started on abort and awaited before returning: a second `remove` while the
    // first runs gets a 409 "removal already in progress" at once, and the command would then exit
    // with its container still present.
    let removal: Promise<void> | undefined;
    const removeOnce = () => (removal ??= this.removeContainer(container.id).catch(() => {}));
    const kill = () => void removeOnce();
    signal?.addEventListener('abort', kill, { once: true });
    let lastLines: NodeJS.Timeout | undefined;
    try {
      // An abort while the container was being created fired before the listener existed.
      if (signal?.aborted) throw new InterruptedError();
      const attached = (await container.attach({
        stream: true,
        stdout: true,
        stderr: true,
      })) as NodeJS.ReadableStream;
      const out = new PassThrough();
      const done = new Promise<void>((resolve) => out.pipe(lineSplitter(onLine)).on('finish', resolve));
      docker.modem.demuxStream(attached, out, out);
      attached.on('end', () => out.end());
      await container.start();
      const result = (await container.wait()) as { StatusCode: number };
      // The attach stream ends shortly after exit; wait for the last lines, but not forever.
      await Promise.race([done, new Promise((r) => (lastLines = setTimeout(r, 2000)))]);
      if (signal?.aborted) throw new InterruptedError();
      return { id: container.id, exitCode: result.StatusCode };
    } catch (error) {
      await removeOnce();
      if (signal?.aborted) throw new InterruptedError();
      throw this.failure(error);
    } finally {
      clearTimeout(lastLines);
      signal?.removeEventListener('abort', kill);
      // Also when the abort came after the container exited: never return before it is gone.
      await removal;
    }
  }

  async copyFrom(containerId: string, path: string): Promise<Readable> {
    const docker = await this.docker();
    return (await docker.getContainer(containerId).getArchive({ path })) as unknown as Readable;
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    try {
      const docker = await this.docker();
      return (await docker.createContainer(containerOptions(spec))).id;
    } catch (error) {
      throw this.failure(error);
    }
  }

  async copyFromIfPresent(containerId: string, path: string): Promise<Readable | undefined> {
    try {
      return await this.copyFrom(containerId, path);
    } catch (error) {
      if ((error as DockerError).statusCode === 404) return undefined;
      throw error;
    }
  }

  async removeContainer(containerId: string): Promise<void> {
    try {
      const docker = await this.docker();
      await docker.getContainer(containerId).remove({ force: true, v: true });
    } catch (error) {
      const status = (error as DockerError).statusCode;
      if (status === 404) return;
      // Another call is removing it: returning now would leave it present a moment longer.
      if (status === 409) return this.waitUntilRemoved(containerId);
      throw error;
    }
  }

  private async waitUntilRemoved(containerId: string): Promise<void> {
    try {
      const docker = await this.docker();
      await docker.getContainer(containerId).wait({ condition: 'removed' });
    } catch (error) {
      if ((error as DockerError).statusCode !== 404) throw error;
    }
  }

  async listContainers(
    labels: Record<string, string>,
  ): Promise<{ id: string; labels: Record<string, string> }[]> {
    const list = await this.get<Docker.ContainerInfo[]>('/containers/json', {
      all: 'true',
      filters: JSON.stringify({ label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) }),
    });
    return list.map((c) => ({ id: c.Id, labels: c.Labels }));
  }
}

function localConnection(endpoint: DockerEndpoint): DockerConnection {
  if (endpoint.transport.kind !== 'unix') {
    throw new Error(`${endpoint.host} needs its connection from connectDocker: TLS files or keys to read`);
  }
  return { address: { socketPath: endpoint.transport.socketPath }, refusal: () => undefined };
}

/** dockerode's create options for a spec: every container carries layerforge's labels. */
function containerOptions(spec: ContainerSpec): Docker.ContainerCreateOptions {
  return {
    Image: spec.image,
    ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
    Cmd: spec.command,
    Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
    Labels: {
      [LABELS.managed]: 'true',
      [LABELS.pid]: String(process.pid),
      [LABELS.host]: hostname(),
      ...spec.labels,
    },
    User: spec.user,
    WorkingDir: spec.workingDir,
    ...(spec.platform ? { platform: spec.platform } : {}),
    HostConfig: {
      Binds: (spec.mounts ?? []).map((m) => `${m.hostPath}:${m.containerPath}:${m.readOnly ? 'ro' : 'rw'}`),
      ReadonlyRootfs: spec.readOnlyRootFs ?? false,
      Tmpfs: spec.tmpfs,
      NetworkMode: spec.network ?? 'default',
      Init: true,
    },
  };
}
