import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type * as Https from 'node:https';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type Modem from 'docker-modem';
import type { AgentAuthMethod, PublicKeyAuthMethod } from 'ssh2';
import { JobFailedError, UserError } from '../errors.js';
import type { DockerEndpoint, DockerTls } from './docker-endpoint.js';
import type { EngineAddress } from './engine-http.js';
import type * as KnownHosts from './known-hosts.js';
import type { SshTarget } from './ssh-target.js';

/**
 * How to reach one resolved endpoint: the fields of its modem (engine-http.ts reads the same
 * ones), and why its last ssh handshake was refused, if it was. docker-modem and ssh2 load only
 * when a call needs them: a cache hit's calls do not.
 */
export interface DockerConnection {
  address: EngineAddress & { pathPrefix?: string };
  refusal(): JobFailedError | undefined;
}

/**
 * Every field docker-modem's constructor sets, at its defaults. The constructor starts from the
 * process's environment (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, SSH_AUTH_SOCK) and
 * lays the given options over it, so an env host beat a `--docker-host` socket, a malformed
 * DOCKER_HOST threw before the options were read, and the env's agent beat ours. The endpoint is
 * resolved from the job's env instead (docker-endpoint.ts), and the modem is made from it alone.
 * test/unit/engine/docker-connection.test.ts checks this list against docker-modem's constructor.
 */
export const MODEM_FIELDS = {
  host: undefined,
  socketPath: undefined,
  port: undefined,
  pathPrefix: undefined,
  username: undefined,
  password: undefined,
  version: undefined,
  key: undefined,
  cert: undefined,
  ca: undefined,
  timeout: undefined,
  connectionTimeout: undefined,
  checkServerIdentity: undefined,
  agent: undefined,
  headers: {},
  sshOptions: { agentForward: undefined },
  protocol: 'http',
} as const;

/** A docker-modem instance holding exactly `fields`, never reading the process's environment. */
export async function modemWith(fields: object): Promise<Modem> {
  const { default: ModemClass } = await import('docker-modem');
  return Object.assign(Object.create(ModemClass.prototype) as Modem, { ...MODEM_FIELDS, ...fields });
}

/** Reads the TLS files and ssh keys the endpoint names, and makes its modem. */
export async function connectDocker(endpoint: DockerEndpoint): Promise<DockerConnection> {
  const transport = endpoint.transport;
  switch (transport.kind) {
    case 'unix':
      return { address: { socketPath: transport.socketPath }, refusal: () => undefined };
    case 'tcp': {
      const { hostname: host, port, pathPrefix, tls } = transport;
      if (!tls) {
        return { address: { host, port, pathPrefix, protocol: 'http' }, refusal: () => undefined };
      }
      // Required here, not imported: node:https (TLS) takes 8-13 ms to load, and only this case uses it.
      const { Agent: HttpsAgent } = createRequire(import.meta.url)('node:https') as typeof Https;
      const agent = new HttpsAgent({ ...(await tlsFiles(tls, endpoint)), rejectUnauthorized: tls.verify });
      return { address: { host, port, pathPrefix, protocol: 'https', agent }, refusal: () => undefined };
    }
    case 'ssh':
      return sshConnection(transport, endpoint);
  }
}

/** ca.pem, cert.pem and key.pem from the folder, as the docker CLI reads them. */
async function tlsFiles(
  tls: DockerTls,
  endpoint: DockerEndpoint,
): Promise<{ ca?: Buffer; cert?: Buffer; key?: Buffer }> {
  const hint = endpoint.context
    ? `the context's TLS files come from \`docker context create ${endpoint.context} --docker "host=...,ca=...,cert=...,key=..."\``
    : 'DOCKER_CERT_PATH (default: ~/.docker) must hold ca.pem, cert.pem and key.pem; or unset DOCKER_TLS_VERIFY for a plain engine';
  const read = async (name: string, required: boolean): Promise<Buffer | undefined> => {
    const path = join(tls.certDir, name);
    try {
      return await readFile(path);
    } catch (error) {
      if (!required && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new UserError(`TLS is on for ${endpoint.host}, but ${path} cannot be read`, {
        cause: error,
        hint,
      });
    }
  };
  const ca = tls.verify ? await read('ca.pem', tls.caRequired) : undefined;
  const cert = await read('cert.pem', false);
  const key = await read('key.pem', cert !== undefined);
  return { ...(ca ? { ca } : {}), ...(cert && key ? { cert, key } : {}) };
}

async function sshConnection(target: SshTarget, endpoint: DockerEndpoint): Promise<DockerConnection> {
  const { username } = target;
  const keys = (await Promise.all(target.identityFiles.map(readIfPresent))).filter(
    (key): key is Buffer => key !== undefined,
  );
  const methods: (AgentAuthMethod | PublicKeyAuthMethod)[] = [
    ...(target.agent ? [{ type: 'agent' as const, username, agent: target.agent }] : []),
    ...keys.map((key) => ({ type: 'publickey' as const, username, key })),
  ];
  if (methods.length === 0) {
    throw new UserError(`no SSH agent and no SSH key to reach ${endpoint.host}`, {
      hint: 'start an agent and `ssh-add` your key (SSH_AUTH_SOCK), or name the key as IdentityFile in ~/.ssh/config',
    });
  }
  const knownHosts = (await Promise.all(target.knownHostsFiles.map(readIfPresent)))
    .map((text) => text?.toString('utf8') ?? '')
    .join('\n');
  let refused: JobFailedError | undefined;
  const [{ SshDialAgent }, knownHostsCheck] = await Promise.all([
    import('./ssh-dial.js'),
    import('./known-hosts.js'),
  ]);
  const agent = new SshDialAgent({
    host: target.hostname,
    port: target.port,
    username,
    authHandler: methods,
    hostVerifier: (key: Buffer) => {
      refused = hostKeyRefusal(knownHostsCheck, knownHosts, target, key);
      return refused === undefined;
    },
  });
  // The modem speaks plain HTTP; each of its connections is an SSH channel (ssh-dial.ts).
  return {
    address: { host: target.hostname, port: target.port, protocol: 'http', agent },
    refusal: () => refused,
  };
}

/** ssh's StrictHostKeyChecking: a changed or revoked key is refused, an unknown one unless told. */
function hostKeyRefusal(
  { knownHostVerdict, knownHostsName }: typeof KnownHosts,
  knownHosts: string,
  target: SshTarget,
  key: Buffer,
): JobFailedError | undefined {
  const verdict = knownHostVerdict(knownHosts, target.hostname, target.port, key);
  const name = knownHostsName(target.hostname, target.port);
  const fingerprint = `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
  if (verdict === 'known') return undefined;
  if (verdict === 'unknown' && target.strictHostKeyChecking !== 'yes') return undefined;
  if (verdict === 'changed' && target.strictHostKeyChecking === 'no') return undefined;
  const message = {
    unknown: `the SSH host key of ${name} (${fingerprint}) is not in known_hosts`,
    changed: `the SSH host key of ${name} (${fingerprint}) does not match known_hosts: someone may be intercepting the connection`,
    revoked: `the SSH host key of ${name} (${fingerprint}) is revoked in known_hosts`,
  }[verdict];
  return new JobFailedError(message, {
    hint:
      verdict === 'unknown'
        ? `check the fingerprint and record the key with \`ssh -p ${target.port} ${target.username}@${target.hostname} true\` (as the docker CLI's ssh would ask)`
        : 'if the host was reinstalled, remove its old line with `ssh-keygen -R`, then connect once with ssh',
  });
}

async function readIfPresent(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch {
    // ssh skips a key or known_hosts file it cannot read the same way.
    return undefined;
  }
}
