import { hostname } from 'node:os';
import { PassThrough, type Readable } from 'node:stream';
import Docker from 'dockerode';
import { InterruptedError, JobFailedError } from '../errors.js';
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
import { lineSplitter } from './line-splitter.js';

interface DockerError {
  statusCode?: number;
  code?: string;
  message?: string;
}

/** `host` is resolved by the job context (--docker-host, then DOCKER_HOST); without one, dockerode's default. */
function describeEndpoint(host: string | undefined): string {
  return host ?? 'unix:///var/run/docker.sock';
}

/** Options for dockerode from a `--docker-host` value (unix path, tcp://, ssh://). */
function dockerOptions(host: string | undefined): Docker.DockerOptions | undefined {
  if (!host) return undefined;
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  if (host.startsWith('/')) return { socketPath: host };
  const url = new URL(host.replace(/^tcp:/, 'http:'));
  if (url.protocol === 'ssh:') {
    return { protocol: 'ssh', host: url.hostname, port: url.port || 22, username: url.username || undefined };
  }
  return {
    protocol: url.protocol === 'https:' ? 'https' : 'http',
    host: url.hostname,
    port: url.port || 2375,
  };
}

function unreachable(endpoint: string, cause: unknown): JobFailedError {
  return new JobFailedError(`cannot reach the Docker engine at ${endpoint}`, {
    cause,
    hint: 'start it (e.g. `sudo dockerd &` or `sudo systemctl start docker`), or point DOCKER_HOST / --docker-host at one',
  });
}

function isConnectionError(error: unknown): boolean {
  const code = (error as DockerError | undefined)?.code;
  return (
    code === 'ECONNREFUSED' ||
    code === 'ENOENT' ||
    code === 'ECONNRESET' ||
    code === 'EPIPE' ||
    code === 'ETIMEDOUT'
  );
}

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

/** The ContainerEngine backed by a real Docker engine through dockerode. */
export class DockerEngine implements ContainerEngine {
  readonly endpoint: string;
  private readonly docker: Docker;

  constructor(host?: string) {
    this.endpoint = describeEndpoint(host);
    this.docker = new Docker(dockerOptions(host));
  }

  async ping(): Promise<void> {
    try {
      await this.docker.ping();
    } catch (error) {
      throw unreachable(this.endpoint, error);
    }
  }

  async version(signal?: AbortSignal): Promise<EngineVersion> {
    // dockerode passes the signal on to the request; its types do not say so.
    const ask = this.docker.version.bind(this.docker) as (options: {
      abortSignal?: AbortSignal;
    }) => Promise<Docker.DockerVersion>;
    let raw: Docker.DockerVersion;
    try {
      raw = await ask({ abortSignal: signal });
    } catch (error) {
      throw unreachable(this.endpoint, error);
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
      list = await this.docker.listImages({ all: false, filters: JSON.stringify(filters) });
    } catch (error) {
      if (isConnectionError(error)) throw unreachable(this.endpoint, error);
      throw error;
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
      await this.docker.getImage(reference).remove({ force: false, noprune: false });
      return 'removed';
    } catch (error) {
      const status = (error as DockerError).statusCode;
      if (status === 404) return 'absent';
      if (status === 409) return 'in-use';
      if (isConnectionError(error)) throw unreachable(this.endpoint, error);
      throw error;
    }
  }

  private async rawImage(reference: string): Promise<Docker.ImageInspectInfo | undefined> {
    try {
      return await this.docker.getImage(reference).inspect();
    } catch (error) {
      if ((error as DockerError).statusCode === 404) return undefined;
      if (isConnectionError(error)) throw unreachable(this.endpoint, error);
      throw error;
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
    const stream = (await this.docker.pull(reference, {
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
    const stream = await this.docker.buildImage(context, {
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
    const stream = (await this.docker.loadImage(archive, { abortSignal: signal })) as NodeJS.ReadableStream;
    await followJsonStream(stream, () => {});
  }

  async tagImage(id: string, tag: string): Promise<void> {
    const [repo = tag, version = 'latest'] = tag.split(/:(?=[^:]*$)/);
    await this.docker.getImage(id).tag({ repo, tag: version });
  }

  async runContainer(
    spec: ContainerSpec,
    onLine: (line: string) => void,
    signal?: AbortSignal,
  ): Promise<ContainerRun> {
    if (signal?.aborted) throw new InterruptedError();
    let container: Docker.Container;
    try {
      container = await this.docker.createContainer(containerOptions(spec));
    } catch (error) {
      if (isConnectionError(error)) throw unreachable(this.endpoint, error);
      throw error;
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
      this.docker.modem.demuxStream(attached, out, out);
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
      if (isConnectionError(error)) throw unreachable(this.endpoint, error);
      throw error;
    } finally {
      clearTimeout(lastLines);
      signal?.removeEventListener('abort', kill);
      // Also when the abort came after the container exited: never return before it is gone.
      await removal;
    }
  }

  async copyFrom(containerId: string, path: string): Promise<Readable> {
    return (await this.docker.getContainer(containerId).getArchive({ path })) as unknown as Readable;
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    try {
      return (await this.docker.createContainer(containerOptions(spec))).id;
    } catch (error) {
      if (isConnectionError(error)) throw unreachable(this.endpoint, error);
      throw error;
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
      await this.docker.getContainer(containerId).remove({ force: true, v: true });
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
      await this.docker.getContainer(containerId).wait({ condition: 'removed' });
    } catch (error) {
      if ((error as DockerError).statusCode !== 404) throw error;
    }
  }

  async listContainers(
    labels: Record<string, string>,
  ): Promise<{ id: string; labels: Record<string, string> }[]> {
    const list = await this.docker.listContainers({
      all: true,
      filters: { label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) },
    });
    return list.map((c) => ({ id: c.Id, labels: c.Labels }));
  }
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
      NetworkMode: spec.network === 'none' ? 'none' : 'default',
      Init: true,
    },
  };
}
