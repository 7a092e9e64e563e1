import { UserError } from '../errors.js';
import { currentContextName, dockerConfigDir, loadDockerContext } from './docker-contexts.js';
import { DEFAULT_DOCKER_HOST, parseDockerHost } from './docker-host.js';
import type { SshTarget } from './ssh-target.js';

/** What chose the engine, in the docker CLI's order of precedence. */
export type DockerEndpointSource =
  '--docker-host' | '--context' | 'DOCKER_HOST' | 'DOCKER_CONTEXT' | 'currentContext' | 'default';

/** TLS for a tcp endpoint: the folder holding ca.pem, cert.pem and key.pem. */
export interface DockerTls {
  /** Check the engine's certificate (against ca.pem when present, else the system's CAs). */
  verify: boolean;
  certDir: string;
  /** The docker CLI requires ca.pem when DOCKER_TLS_VERIFY is set; a context's is optional. */
  caRequired: boolean;
}

export type DockerTransport =
  | { kind: 'unix'; socketPath: string }
  | { kind: 'tcp'; hostname: string; port: number; pathPrefix: string; tls?: DockerTls }
  | ({ kind: 'ssh' } & SshTarget);

/** One resolved engine: where it is, how to talk to it, and what chose it. */
export interface DockerEndpoint {
  /** The host as given (or the default socket), e.g. `tcp://10.0.0.5:2376`. */
  host: string;
  source: DockerEndpointSource;
  /** The context that named the host, when one did. */
  context?: string;
  transport: DockerTransport;
}

export interface DockerEndpointRequest {
  env: NodeJS.ProcessEnv;
  /** The user's home: ~/.docker and ~/.ssh are read under it. */
  home: string;
  /** `--docker-host`. */
  host?: string;
  /** `--context`. */
  context?: string;
}

/**
 * Which engine and how, as the docker CLI decides: `--context` or `--docker-host` (not both),
 * then DOCKER_HOST, then DOCKER_CONTEXT, then `currentContext` in config.json ($DOCKER_CONFIG or
 * ~/.docker), then the local socket. A host outside a context takes its TLS settings from
 * DOCKER_TLS_VERIFY, DOCKER_TLS and DOCKER_CERT_PATH; a context's come from its own store.
 * Reads only files under `home` and $DOCKER_CONFIG, and the environment it is given.
 */
export async function resolveDockerEndpoint(request: DockerEndpointRequest): Promise<DockerEndpoint> {
  const { env, home } = request;
  const host = nonEmpty(request.host);
  const context = nonEmpty(request.context);
  if (host !== undefined && context !== undefined) {
    throw new UserError('give --docker-host or --context, not both', {
      hint: 'a context names its own host: drop one of the two',
    });
  }
  if (context !== undefined) return fromContext(context, '--context', request);
  if (host !== undefined) return fromHost(host, '--docker-host', env, home);
  const envHost = nonEmpty(env.DOCKER_HOST);
  if (envHost !== undefined) return fromHost(envHost, 'DOCKER_HOST', env, home);
  const envContext = nonEmpty(env.DOCKER_CONTEXT);
  if (envContext !== undefined) return fromContext(envContext, 'DOCKER_CONTEXT', request);
  const current = await currentContextName(dockerConfigDir(env, home));
  if (current !== undefined) return fromContext(current, 'currentContext', request);
  return fromHost(DEFAULT_DOCKER_HOST, 'default', env, home);
}

async function fromHost(
  host: string,
  source: DockerEndpointSource,
  env: NodeJS.ProcessEnv,
  home: string,
  context?: string,
): Promise<DockerEndpoint> {
  const tls = envTls(env, home);
  return {
    host,
    source,
    ...(context !== undefined ? { context } : {}),
    transport: await transportFor(host, source, tls, env, home),
  };
}

async function fromContext(
  name: string,
  source: DockerEndpointSource,
  request: DockerEndpointRequest,
): Promise<DockerEndpoint> {
  const { env, home } = request;
  // "default" is the docker CLI's built-in context: DOCKER_HOST or the local socket.
  if (name === 'default') {
    return fromHost(nonEmpty(env.DOCKER_HOST) ?? DEFAULT_DOCKER_HOST, source, env, home, name);
  }
  const origin = source === 'currentContext' ? 'currentContext in config.json' : source;
  const context = await loadDockerContext(dockerConfigDir(env, home), name, origin);
  // As the docker CLI: TLS when the context has TLS files or skips verification, else plain.
  const tls: DockerTls | undefined =
    context.hasTlsFiles || context.skipTlsVerify
      ? { verify: !context.skipTlsVerify, certDir: context.tlsDir, caRequired: false }
      : undefined;
  return {
    host: context.host,
    source,
    context: name,
    transport: await transportFor(context.host, `the host of Docker context "${name}"`, tls, env, home),
  };
}

/** TLS from the environment, as the docker CLI reads it: any non-empty value turns it on. */
function envTls(env: NodeJS.ProcessEnv, home: string): DockerTls | undefined {
  const verify = nonEmpty(env.DOCKER_TLS_VERIFY) !== undefined;
  if (!verify && nonEmpty(env.DOCKER_TLS) === undefined) return undefined;
  return {
    verify,
    certDir: nonEmpty(env.DOCKER_CERT_PATH) ?? dockerConfigDir(env, home),
    caRequired: verify,
  };
}

async function transportFor(
  host: string,
  origin: string,
  tls: DockerTls | undefined,
  env: NodeJS.ProcessEnv,
  home: string,
): Promise<DockerTransport> {
  const address = parseDockerHost(host, origin, tls !== undefined);
  switch (address.kind) {
    case 'unix':
      return address;
    case 'tcp':
      return { ...address, ...(tls ? { tls } : {}) };
    case 'ssh': {
      // Loaded for an ssh:// host only: ~/.ssh/config's matching brings minimatch.
      const { resolveSshTarget } = await import('./ssh-target.js');
      return { kind: 'ssh', ...(await resolveSshTarget(address, env, home, origin)) };
    }
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim().length > 0 ? value : undefined;
}
