import type { DockerEndpoint, DockerEndpointSource } from './docker-endpoint.js';

/**
 * A resolved engine as a user may see it (`doctor`, error messages, --json): where, how and what
 * chose it. It holds file paths, never their contents, and no key material.
 */
export interface DockerEndpointSummary {
  host: string;
  source: DockerEndpointSource;
  context?: string;
  transport: 'unix' | 'tcp' | 'ssh';
  /** For tcp with TLS: whether the engine's certificate is checked, and the certificates' folder. */
  tls?: { verify: boolean; certDir: string };
  /** For ssh: who connects where, and with what. */
  ssh?: {
    username: string;
    hostname: string;
    port: number;
    agent: boolean;
    identityFiles: string[];
    strictHostKeyChecking: string;
  };
  /** One line: `tcp://10.0.0.5:2376 (TLS, verified; from DOCKER_HOST)`. */
  text: string;
}

const SOURCES: Record<DockerEndpointSource, string> = {
  '--docker-host': 'from --docker-host',
  '--context': 'from --context',
  DOCKER_HOST: 'from DOCKER_HOST',
  DOCKER_CONTEXT: 'from DOCKER_CONTEXT',
  currentContext: 'the current context in config.json',
  default: 'the default',
};

export function describeDockerEndpoint(endpoint: DockerEndpoint): DockerEndpointSummary {
  const { host, source, context, transport } = endpoint;
  const notes: string[] = [];
  const summary: Omit<DockerEndpointSummary, 'text'> = {
    host,
    source,
    ...(context !== undefined ? { context } : {}),
    transport: transport.kind,
  };
  if (transport.kind === 'tcp' && transport.tls) {
    summary.tls = { verify: transport.tls.verify, certDir: transport.tls.certDir };
    notes.push(transport.tls.verify ? 'TLS, verified' : 'TLS, not verified');
  } else if (transport.kind === 'tcp') {
    notes.push('plain HTTP');
  }
  if (transport.kind === 'ssh') {
    summary.ssh = {
      username: transport.username,
      hostname: transport.hostname,
      port: transport.port,
      agent: transport.agent !== undefined,
      identityFiles: transport.identityFiles,
      strictHostKeyChecking: transport.strictHostKeyChecking,
    };
    notes.push(`as ${transport.username}@${transport.hostname}:${transport.port}`);
  }
  const chosen =
    context !== undefined && context !== 'default'
      ? `context "${context}", ${SOURCES[source]}`
      : SOURCES[source];
  notes.push(chosen);
  return { ...summary, text: `${host} (${notes.join('; ')})` };
}
