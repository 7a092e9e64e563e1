import { createServer, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { forwardRequest, listenOnLoopback } from './loopback-server.js';

/** One request the proxy handled: a CONNECT tunnel (`host:port`) or a plain-HTTP absolute URL. */
export interface ProxiedCall {
  method: string;
  /** `127.0.0.1:5000` for CONNECT; `http://127.0.0.1:5000/path` otherwise. */
  target: string;
  /** The Proxy-Authorization header the client sent, if any. */
  proxyAuthorization?: string;
  /** The status the proxy answered (407 when credentials were required and missing). */
  status: number;
}

export interface ForwardProxy {
  /** `http://127.0.0.1:<port>` (with `user:password@` when the proxy requires them). */
  url: string;
  port: number;
  readonly calls: ProxiedCall[];
  stop(): Promise<void>;
}

export interface ForwardProxyOptions {
  /** Basic credentials the proxy requires: 407 to any request without them. */
  credentials?: { user: string; password: string };
  /** Answer 403 to any target off loopback, after recording it: for tests that must send nothing out. */
  loopbackOnly?: boolean;
}

const isLoopbackHost = (host: string) => host === 'localhost' || host.startsWith('127.') || host === '[::1]';

/**
 * A forward HTTP proxy on 127.0.0.1, as a corporate egress proxy behaves: CONNECT tunnels for
 * https:// (and for clients that tunnel everything), absolute-form requests for http://, and,
 * when `credentials` are given, 407 to any request without them. Every call is recorded.
 */
export async function startForwardProxy(options: ForwardProxyOptions = {}): Promise<ForwardProxy> {
  const { credentials } = options;
  const calls: ProxiedCall[] = [];
  const expected = credentials
    ? `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`
    : undefined;
  const authorized = (req: IncomingMessage) => {
    const given = req.headers['proxy-authorization'];
    return { ok: expected === undefined || given === expected, given };
  };

  const server = createServer((req, res) => {
    const { ok, given } = authorized(req);
    const record = (status: number) =>
      calls.push({
        method: req.method ?? 'GET',
        target: req.url ?? '',
        status,
        ...(given ? { proxyAuthorization: given } : {}),
      });
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      record(400);
      res.writeHead(400).end('a proxy takes absolute URLs\n');
      return;
    }
    if (!ok) {
      record(407);
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"' }).end();
      return;
    }
    if (options.loopbackOnly && !isLoopbackHost(url.hostname)) {
      record(403);
      res.writeHead(403).end();
      return;
    }
    record(200);
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    forwardRequest(req, res, {
      hostname: url.hostname,
      port: url.port || 80,
      path: url.pathname + url.search,
      headers,
    });
  });

  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const { ok, given } = authorized(req);
    const target = req.url ?? '';
    calls.push({
      method: 'CONNECT',
      target,
      status: ok ? 200 : 407,
      ...(given ? { proxyAuthorization: given } : {}),
    });
    client.on('error', () => client.destroy());
    if (!ok) {
      client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n',
      );
      return;
    }
    const colon = target.lastIndexOf(':');
    const host = target.slice(0, colon).replace(/^\[|\]$/g, '');
    const upstream = connect(Number(target.slice(colon + 1)), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    listening.track(upstream);
    upstream.on('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
  });
  const listening = await listenOnLoopback(server);
  const { port } = listening;
  const auth = credentials
    ? `${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@`
    : '';
  return {
    url: `http://${auth}127.0.0.1:${port}`,
    port,
    calls,
    stop: listening.stop,
  };
}
