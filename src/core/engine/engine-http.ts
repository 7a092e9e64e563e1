import type * as Http from 'node:http';
import type { Agent, IncomingMessage, RequestOptions } from 'node:http';
import type * as Https from 'node:https';
import { createRequire } from 'node:module';

// Required, not imported: under Node 24, an ESM import of node:http builds its module facade,
// whose getters load the fetch implementation (undici), 20 ms of a cache hit's start for nothing.
// node:https (TLS, 8-13 ms to load) only when an engine is reached over TLS.
const requireBuiltin = createRequire(import.meta.url);
const { request: httpRequest } = requireBuiltin('node:http') as typeof Http;

/** Where the engine's API answers: a local socket, or a host through an agent (TLS, ssh channels). */
export interface EngineAddress {
  socketPath?: string;
  host?: string;
  port?: number | string;
  protocol?: 'http' | 'https';
  agent?: Agent;
}

/** An engine's answer other than 2xx, shaped as docker-modem shapes it: engine-errors.ts reads both. */
export class EngineHttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly json: unknown,
    text: string,
  ) {
    super(`(HTTP code ${statusCode}) ${text}`);
  }
}

function messageOf(json: unknown, text: string): string {
  const message = (json as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : text.trim();
}

/**
 * One GET of the engine's JSON API, for the calls every build makes before it knows whether it
 * is a cache hit (ping, image inspects, the container list). They need neither dockerode nor its
 * ssh and gRPC modules, whose loading took 0.18-0.26 s alone; everything else goes
 * through dockerode (docker-engine.ts). Paths are unversioned and absolute, as docker-modem sends
 * them, so both speak to the engine the same way.
 */
export function engineGet(
  address: EngineAddress,
  path: string,
  query: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<unknown> {
  const search = new URLSearchParams(query).toString();
  // `servername` (TLS's) is given for a socket only so Node's agent need not work one out: that
  // runs its IPv6 pattern on "localhost", and compiling the pattern took 5-10 ms of a cache hit.
  const options: RequestOptions & { servername?: string } = {
    method: 'GET',
    path: search ? `${path}?${search}` : path,
    ...(address.socketPath
      ? { socketPath: address.socketPath, servername: '' }
      : { host: address.host, port: address.port, agent: address.agent }),
    ...(signal ? { signal } : {}),
  };
  const send =
    address.protocol === 'https' ? (requireBuiltin('node:https') as typeof Https).request : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(options, (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve(json ?? text);
        else reject(new EngineHttpError(status, json, messageOf(json, text)));
      });
    });
    request.on('error', reject);
    request.end();
  });
}
