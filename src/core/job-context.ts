import type { AwsClientOptions, AwsClients } from './aws/clients.js';
import type { ContainerEngine } from './engine/container-engine.js';
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
   * The container engine at `host` (default: `--docker-host`, else DOCKER_HOST, else the local
   * socket), made on first use: a job that never builds never loads dockerode.
   */
  engine(host?: string): Promise<ContainerEngine>;
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
  /** `--docker-host`: wins over DOCKER_HOST. */
  dockerHost?: string;
  /** Shared with the CLI's output streams, so errors printed after the job are redacted too. */
  redactor?: Redactor;
}

/** The one place that reads the process's globals and knows how to reach Docker. */
export function createJobContext(init: JobContextInit = {}): JobContext {
  const env = init.env ?? process.env;
  const engines = new Map<string, Promise<ContainerEngine>>();
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
    engine(host = init.dockerHost ?? env.DOCKER_HOST) {
      const key = host ?? '';
      let engine = engines.get(key);
      if (!engine) {
        engine = import('./engine/docker-engine.js').then(({ DockerEngine }) => new DockerEngine(host));
        engines.set(key, engine);
      }
      return engine;
    },
    async aws(options = {}) {
      const { createAwsClients } = await import('./aws/clients.js');
      return createAwsClients({ ...options, env, redactor });
    },
  };
}
