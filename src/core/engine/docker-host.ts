import { UserError } from '../errors.js';

/** The Docker CLI's and the engine's default: the local socket. */
export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

/** Where an engine listens, parsed from a `DOCKER_HOST`-style value. */
export type DockerAddress =
  | { kind: 'unix'; socketPath: string }
  | { kind: 'tcp'; hostname: string; port: number; pathPrefix: string }
  | { kind: 'ssh'; hostname: string; port?: number; username?: string };

const FORMS =
  'use unix:///path/to/docker.sock, tcp://host:2375 (or tcp://host:2376 with DOCKER_TLS_VERIFY=1) or ssh://user@host';

/**
 * Parses a Docker host as the docker CLI does (`-H`, `DOCKER_HOST`, a context's endpoint):
 * `unix://`, `npipe://`, `tcp://` (a bare `host:port` is tcp), `ssh://`. A bare absolute path is
 * also taken as a socket, as layerforge always has. A tcp port defaults to 2376 with TLS and 2375
 * without, as the docker CLI's does. `origin` names where the value came from, for the error.
 */
export function parseDockerHost(value: string, origin: string, tls: boolean): DockerAddress {
  // A password in the URL is refused, and never repeated in the message.
  const shown = value.replace(/^([a-z]+:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
  const bad = (why: string) =>
    new UserError(`${origin} is "${shown}", not a Docker host: ${why}`, { hint: FORMS });
  const host = value.trim();
  if (host.length === 0) throw bad('it is empty');
  if (host.startsWith('/')) return { kind: 'unix', socketPath: host };
  for (const scheme of ['unix://', 'npipe://']) {
    if (host.startsWith(scheme)) {
      const path = host.slice(scheme.length);
      if (scheme === 'npipe://') return { kind: 'unix', socketPath: path || '//./pipe/docker_engine' };
      return { kind: 'unix', socketPath: path || DEFAULT_DOCKER_HOST.slice('unix://'.length) };
    }
  }
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(host) ? host : `tcp://${host}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw bad('it is not a valid URL');
  }
  if (url.protocol !== 'tcp:' && url.protocol !== 'ssh:')
    throw bad(`the scheme ${url.protocol}// is not one the docker CLI knows`);
  if (url.search || url.hash) throw bad('a query or fragment is not allowed');
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (hostname.length === 0) throw bad('it names no host');
  const port = url.port === '' ? undefined : Number(url.port);
  if (port === 0) throw bad('port 0 is not a port');
  if (url.protocol === 'tcp:') {
    if (url.username || url.password) throw bad('a tcp host takes no user name or password');
    return {
      kind: 'tcp',
      hostname,
      port: port ?? (tls ? 2376 : 2375),
      pathPrefix: url.pathname === '' ? '/' : url.pathname,
    };
  }
  if (url.password) throw bad('a password in the URL is not supported; use an SSH agent or key');
  if (url.pathname !== '' && url.pathname !== '/') throw bad('an ssh host takes no path');
  return {
    kind: 'ssh',
    hostname,
    ...(port !== undefined ? { port } : {}),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
  };
}
