import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { forwardRequest, listenOnLoopback, splice } from './loopback-server.js';

/** What a SigV4-signed request says about who sent it and where it was meant to go. */
export interface SignedRequest {
  method: string;
  path: string;
  /** From the Authorization header's credential scope: `AKID/date/region/service/aws4_request`. */
  accessKeyId: string;
  region: string;
  service: string;
}

export interface SignedRequestRecorder {
  /** `http://127.0.0.1:<port>`: an endpoint in front of moto. */
  endpoint: string;
  readonly requests: SignedRequest[];
  stop(): Promise<void>;
}

const CREDENTIAL = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

/**
 * A loopback endpoint in front of moto that records each request's signing key id, region and
 * service: which credentials and region the SDK really used, and that this endpoint was the one
 * it called.
 */
export async function startSignedRequestRecorder(target: string): Promise<SignedRequestRecorder> {
  const upstream = new URL(target);
  const requests: SignedRequest[] = [];
  const server = createServer((req, res) => {
    const match = CREDENTIAL.exec(String(req.headers.authorization ?? ''));
    requests.push({
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      accessKeyId: match?.[1] ?? '',
      region: match?.[2] ?? '',
      service: match?.[3] ?? '',
    });
    forwardRequest(req, res, upstream);
  });
  const { port, stop } = await listenOnLoopback(server);
  return { endpoint: `http://127.0.0.1:${port}`, requests, stop };
}

/** A self-signed certificate for 127.0.0.1, made with openssl in `dir`. */
export function makeLoopbackCertificate(dir: string): { certFile: string; keyFile: string } {
  const certFile = join(dir, 'loopback.crt');
  const keyFile = join(dir, 'loopback.key');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'pipe' },
  );
  return { certFile, keyFile };
}

/** A TLS endpoint on 127.0.0.1 that forwards the decrypted bytes to `target` (a plain-HTTP server). */
export async function startTlsFront(
  target: string,
  certificate: { certFile: string; keyFile: string },
): Promise<{ endpoint: string; port: number; stop(): Promise<void> }> {
  const upstream = new URL(target);
  const server = createTlsServer(
    { cert: readFileSync(certificate.certFile), key: readFileSync(certificate.keyFile) },
    (client) => {
      const plain = connect(Number(upstream.port), upstream.hostname);
      listening.track(plain);
      splice(client, plain);
    },
  );
  const listening = await listenOnLoopback(server);
  return { endpoint: `https://127.0.0.1:${listening.port}`, port: listening.port, stop: listening.stop };
}
