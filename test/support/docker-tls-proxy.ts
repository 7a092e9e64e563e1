import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect, createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { createServer, type TLSSocket } from 'node:tls';
import { listenOnLoopback, splice } from './loopback-server.js';

/** A CA, a server certificate for 127.0.0.1 and a client certificate, made by openssl. */
export interface TestCertificates {
  /** ca.pem, cert.pem and key.pem for the client: what DOCKER_CERT_PATH points at. */
  clientDir: string;
  serverCert: string;
  serverKey: string;
  ca: string;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: 'pipe' });
  } catch (error) {
    // In CI a missing tool is a failure, never a skip.
    throw new Error(`openssl ${args[0] ?? ''} failed (bash .ci/run installs openssl): ${String(error)}`);
  }
}

/**
 * Makes the certificates as the docker documentation's "Protect the Docker daemon socket" does:
 * one CA signs a server certificate with 127.0.0.1 as its IP SAN and a client certificate for
 * clientAuth. `name` keeps two sets apart (a second CA the engine does not trust).
 */
export async function makeCertificates(root: string, name = 'tls'): Promise<TestCertificates> {
  const dir = join(root, name);
  const clientDir = join(dir, 'client');
  await mkdir(clientDir, { recursive: true });
  const days = ['-days', '2'];
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca-key.pem',
      '-out',
      'ca.pem',
      '-subj',
      `/CN=layerforge test CA ${name}`,
      ...days,
    ],
    dir,
  );
  await writeFile(join(dir, 'server.ext'), 'subjectAltName = IP:127.0.0.1\nextendedKeyUsage = serverAuth\n');
  await writeFile(join(dir, 'client.ext'), 'extendedKeyUsage = clientAuth\n');
  for (const [who, subject] of [
    ['server', '/CN=127.0.0.1'],
    ['client', '/CN=client'],
  ] as const) {
    openssl(
      [
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        `${who}-key.pem`,
        '-out',
        `${who}.csr`,
        '-subj',
        subject,
      ],
      dir,
    );
    openssl(
      [
        'x509',
        '-req',
        '-in',
        `${who}.csr`,
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca-key.pem',
        '-CAcreateserial',
        '-out',
        `${who}-cert.pem`,
        '-extfile',
        `${who}.ext`,
        ...days,
      ],
      dir,
    );
  }
  const ca = await readFile(join(dir, 'ca.pem'), 'utf8');
  await writeFile(join(clientDir, 'ca.pem'), ca);
  await writeFile(join(clientDir, 'cert.pem'), await readFile(join(dir, 'client-cert.pem')));
  await writeFile(join(clientDir, 'key.pem'), await readFile(join(dir, 'client-key.pem')));
  return {
    clientDir,
    ca,
    serverCert: await readFile(join(dir, 'server-cert.pem'), 'utf8'),
    serverKey: await readFile(join(dir, 'server-key.pem'), 'utf8'),
  };
}

/** An engine listening on plain tcp on 127.0.0.1, as `dockerd -H tcp://127.0.0.1:2375` would. */
export async function startPlainProxy(
  socketPath = '/var/run/docker.sock',
): Promise<{ port: number; close(): Promise<void> }> {
  const server = createNetServer((client) => {
    const engine = connect(socketPath);
    listening.track(engine);
    splice(client, engine);
  });
  const listening = await listenOnLoopback(server);
  return { port: listening.port, close: listening.stop };
}

export interface TlsProxy {
  port: number;
  /** Connections that completed the handshake with a client certificate the CA signed. */
  authorized: number;
  /** Connections refused: no client certificate, a foreign one, or no TLS at all. */
  refused: number;
  close(): Promise<void>;
}

/**
 * dockerd's `--tlsverify` listener, stood in by a TLS server on 127.0.0.1 that requires a client
 * certificate signed by the CA and forwards each connection to the engine's unix socket. The
 * system engine is left as it is.
 */
export async function startTlsProxy(
  certs: TestCertificates,
  socketPath = '/var/run/docker.sock',
): Promise<TlsProxy> {
  const proxy = { authorized: 0, refused: 0 };
  const server = createServer(
    {
      cert: certs.serverCert,
      key: certs.serverKey,
      ca: certs.ca,
      requestCert: true,
      rejectUnauthorized: true,
    },
    (client: TLSSocket) => {
      proxy.authorized += 1;
      const engine = connect(socketPath);
      listening.track(engine);
      splice(client, engine);
    },
  );
  server.on('tlsClientError', () => (proxy.refused += 1));
  const listening = await listenOnLoopback(server);
  return {
    port: listening.port,
    get authorized() {
      return proxy.authorized;
    },
    get refused() {
      return proxy.refused;
    },
    close: listening.stop,
  };
}
