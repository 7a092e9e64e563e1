import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Server, Socket } from 'node:net';

/** A test server bound to 127.0.0.1 whose stop() ends every connection it saw, open or idle. */
export interface LoopbackServer {
  port: number;
  /** Also end this socket (an upstream connection the server opened) on stop(). */
  track(socket: Socket): void;
  stop(): Promise<void>;
}

/**
 * Listens on 127.0.0.1 only (tests send traffic nowhere else) on a free port. `server.close()`
 * alone waits for keep-alive clients, so every socket is tracked and destroyed on stop().
 * Works for net, http and tls servers: each emits `connection` with the raw socket.
 */
export async function listenOnLoopback(server: Server): Promise<LoopbackServer> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  server.on('connection', track);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    track,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Streams one request to a plain-HTTP upstream and its answer back unchanged; a failed upstream
 * is a 502. `path` and `headers` default to the request's own.
 */
export function forwardRequest(
  req: IncomingMessage,
  res: ServerResponse,
  upstream: { hostname: string; port: string | number; path?: string; headers?: IncomingMessage['headers'] },
): void {
  const out = httpRequest(
    {
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: upstream.path ?? req.url,
      headers: upstream.headers ?? req.headers,
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  out.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(out);
}

/** Joins two sockets both ways; an error on either ends both. */
export function splice(a: Socket, b: Socket): void {
  for (const [s, other] of [
    [a, b],
    [b, a],
  ] as const)
    s.on('error', () => {
      s.destroy();
      other.destroy();
    });
  a.pipe(b).pipe(a);
}
