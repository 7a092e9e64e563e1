import { homedir } from 'node:os';
import type { AwsClientOptions, AwsClients } from './aws/clients.js';
import type { ContainerEngine } from './engine/container-engine.js';
import type { DockerEndpoint } from './engine/docker-endpoint.js';
import { ignoreEvents, type EventSink } from './events.js';
import { proxySettingsFrom } from './net/proxy.js';
import { Redactor } from './redact.js';

/**
 * What one job runs with: where it runs, where it reports, when it stops, and the ports to
 * Docker and AWS. The CLI builds one per command and hands it to every core entry point, so
 * the core never reads `process.env` or `process.cwd()` and makes no engine of its own.
 */
export interface JobContext {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly sink: EventSink;
  readonly signal: AbortSignal;
  /**
   * The job's one redaction: AWS credentials, build-env values and proxy passwords are added as
   * they become known, and every event the sink receives is redacted with it.
   */
  readonly redactor: Redactor;
  /**
   * The container engine at `host` (a `--docker-host` value; default: the job's own choice, see
   * `dockerEndpoint`), made on first use: a job that never builds never loads dockerode.
   */
  engine(host?: string): Promise<ContainerEngine>;
  /**
   * Which engine `engine(host)` talks to and how, as the docker CLI decides: `--context` or
   * `--docker-host`, then DOCKER_HOST, DOCKER_CONTEXT, the current context, the local socket.
   * Describe it for users with `describeDockerEndpoint` (engine/describe-endpoint.ts).
   */
  dockerEndpoint(host?: string): Promise<DockerEndpoint>;
  /** AWS clients for this job's environment; the caller destroys them. The SDK loads on first call. */
  aws(options?: Omit<AwsClientOptions, 'env'>): Promise<AwsClients>;
}

/**
 * The slices of a job the core's steps take, so each says what it uses of the job and a caller
 * can pass its whole `JobContext` (or the part it was given). The signal is never optional: a
 * job always has one.
 */

/** Where a step reports and when it stops. */
export type StepIO = Pick<JobContext, 'sink' | 'signal'>;

/** A step that also reads the job's environment (the cache folder, a mirror, the CA bundle). */
export type EnvStepIO = Pick<JobContext, 'sink' | 'signal' | 'env'>;

/** Where a job runs: its working folder and environment, for resolving names and paths. */
export type JobPlace = Pick<JobContext, 'cwd' | 'env'>;

export interface JobContextInit {
  /** Default: the process's working folder. */
  cwd?: string;
  /** Default: the process's environment. */
  env?: NodeJS.ProcessEnv;
  sink?: EventSink;
  signal?: AbortSignal;
  /** `--docker-host`: wins over DOCKER_HOST and every context. */
  dockerHost?: string;
  /** `--context`: a docker CLI context; wins over DOCKER_HOST and DOCKER_CONTEXT. */
  dockerContext?: string;
  /** Where ~/.docker and ~/.ssh are. Default: HOME, else the process's user's home. */
  home?: string;
  /** Shared with the CLI's output streams, so errors printed after the job are redacted too. */
  redactor?: Redactor;
}

/** The one place that reads the process's globals and knows how to reach Docker. */
export function createJobContext(init: JobContextInit = {}): JobContext {
  const env = init.env ?? process.env;
  const home = init.home ?? (env.HOME || homedir());
  const engines = new Map<string, Promise<ContainerEngine>>();
  const dockerEndpoint = async (host = init.dockerHost): Promise<DockerEndpoint> => {
    const { resolveDockerEndpoint } = await import('./engine/docker-endpoint.js');
    return resolveDockerEndpoint({
      env,
      home,
      ...(host !== undefined ? { host } : {}),
      ...(init.dockerContext !== undefined ? { context: init.dockerContext } : {}),
    });
  };
  const redactor = init.redactor ?? new Redactor();
  // A proxy URL may carry a password (http://user:pass@proxy:3128).
  for (const url of Object.values(proxySettingsFrom(env))) redactor.addValue(url);
  const sink = init.sink ?? ignoreEvents;
  return {
    cwd: init.cwd ?? process.cwd(),
    env,
    sink: (event) => sink(redactor.redactDeep(event)),
    signal: init.signal ?? new AbortController().signal,
    redactor,
    engine(host = init.dockerHost) {
      const key = host ?? '';
      let engine = engines.get(key);
      if (!engine) {
        engine = (async () => {
          const endpoint = await dockerEndpoint(host);
          const [{ DockerEngine }, { connectDocker }] = await Promise.all([
            import('./engine/docker-engine.js'),
            import('./engine/docker-connection.js'),
          ]);
          return new DockerEngine(endpoint, await connectDocker(endpoint));
        })();
        engines.set(key, engine);
      }
      return engine;
    },
    dockerEndpoint,
    async aws(options = {}) {
      const { createAwsClients } = await import('./aws/clients.js');
      return createAwsClients({ ...options, env, redactor });
    },
  };
}
