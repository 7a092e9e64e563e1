import { JobFailedError } from '../errors.js';
import { describeDockerEndpoint } from './describe-endpoint.js';
import type { DockerEndpoint } from './docker-endpoint.js';

export interface DockerError {
  statusCode?: number;
  code?: string;
  message?: string;
  /** ssh2's stage of a failed connection, e.g. `client-authentication`. */
  level?: string;
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ENOENT',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);

// Node's codes for an engine certificate that does not check out against the CA given.
const CERTIFICATE_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export function isConnectionError(error: unknown): boolean {
  const code = (error as DockerError | undefined)?.code;
  return code !== undefined && (CONNECTION_CODES.has(code) || code.startsWith('ERR_SSL_'));
}

/**
 * The error a user can act on for a failed call to the engine, or undefined when the engine
 * answered and the failure is the call's own. TLS and SSH failures name the setting to fix.
 */
export function engineFailure(error: unknown, endpoint: DockerEndpoint): JobFailedError | undefined {
  const e = (error ?? {}) as DockerError;
  const code = e.code ?? '';
  const transport = endpoint.transport;
  const where = describeDockerEndpoint(endpoint).text;
  const cause = { cause: error };
  // Every container runs with --init; Debian's podman without its recommended packages has none.
  if (/container-init binary not found/.test(e.message ?? '')) {
    return new JobFailedError(
      `the engine at ${where} has no init binary for containers started with --init`,
      {
        ...cause,
        hint: 'podman needs catatonit for that (`apt-get install catatonit`), or another via init_path in containers.conf',
      },
    );
  }
  if (transport.kind === 'ssh' && e.level === 'client-authentication') {
    return new JobFailedError(
      `SSH to ${transport.username}@${transport.hostname}:${transport.port} was refused: the server accepted none of the keys offered`,
      {
        ...cause,
        hint: 'load the key into your agent (`ssh-add`, SSH_AUTH_SOCK) or name it as IdentityFile in ~/.ssh/config',
      },
    );
  }
  if (transport.kind === 'tcp' && transport.tls) {
    if (CERTIFICATE_CODES.has(code)) {
      return new JobFailedError(`the Docker engine at ${where} failed the TLS check: ${e.message ?? code}`, {
        ...cause,
        hint: "the folder with ca.pem must hold the CA that signed the engine's certificate, issued for this host name",
      });
    }
    if (code === 'EPROTO' || code === 'ERR_SSL_WRONG_VERSION_NUMBER') {
      return new JobFailedError(`the Docker engine at ${where} does not talk TLS`, {
        ...cause,
        hint: 'unset DOCKER_TLS_VERIFY and DOCKER_TLS for a plain engine (usually port 2375)',
      });
    }
    if (code.startsWith('ERR_SSL_') || code === 'ECONNRESET') {
      return new JobFailedError(
        `the Docker engine at ${where} refused the TLS connection: ${e.message ?? code}`,
        {
          ...cause,
          hint: 'it may want a client certificate: cert.pem and key.pem signed by its CA, beside ca.pem',
        },
      );
    }
  }
  if (transport.kind === 'tcp' && !transport.tls) {
    const httpsAnswer = e.statusCode === 400 && /HTTPS/i.test(e.message ?? '');
    if (httpsAnswer || code === 'ECONNRESET') {
      return new JobFailedError(`the Docker engine at ${where} refused plain HTTP; it may want TLS`, {
        ...cause,
        hint: 'for TLS set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH (a folder with ca.pem, cert.pem, key.pem), or use a context made with `docker context create --docker host=...,ca=...,cert=...,key=...`',
      });
    }
  }
  return isConnectionError(error) ? unreachable(error, endpoint) : undefined;
}

/** The engine did not answer: start it, or choose another. */
export function unreachable(error: unknown, endpoint: DockerEndpoint): JobFailedError {
  return new JobFailedError(`cannot reach the Docker engine at ${describeDockerEndpoint(endpoint).text}`, {
    cause: error,
    hint:
      endpoint.transport.kind === 'unix'
        ? 'start it (e.g. `sudo dockerd &` or `sudo systemctl start docker`), or choose another with --docker-host, --context, DOCKER_HOST or DOCKER_CONTEXT'
        : 'check that it runs and listens there, or choose another with --docker-host, --context, DOCKER_HOST or DOCKER_CONTEXT',
  });
}
