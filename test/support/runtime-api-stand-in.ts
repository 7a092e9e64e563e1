// A minimal stand-in for the Lambda Runtime API (2018-06-01), enough to drive a custom runtime's
// bootstrap from a test: it hands out queued events on GET /invocation/next (holding the request
// open until one is queued, as Lambda does) and records what the runtime posts back.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const BASE = '/2018-06-01/runtime';

/** What the runtime posted for one invocation (or for its initialisation). */
export interface PostedResult {
  kind: 'response' | 'error' | 'init-error';
  requestId?: string;
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
  headers: IncomingMessage['headers'];
}

export interface InvokeOptions {
  /** Send the event with chunked transfer encoding instead of a Content-Length. */
  chunked?: boolean;
  requestId?: string;
}

export interface RuntimeApiStandIn {
  /** host:port, the value of AWS_LAMBDA_RUNTIME_API. */
  readonly address: string;
  /** Every request received, as "METHOD path", in order. */
  readonly requests: string[];
  /** Queues an event (a JSON text) and resolves with what the runtime posts for it. */
  invoke(event: string, options?: InvokeOptions): Promise<PostedResult>;
  /** Resolves with the first POST to /init/error. */
  initError(): Promise<PostedResult>;
  close(): Promise<void>;
}

interface Pending {
  requestId: string;
  event: string;
  chunked: boolean;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Starts the stand-in on `host` (an address the runtime's container can reach) and a free port. */
export async function startRuntimeApiStandIn(host: string): Promise<RuntimeApiStandIn> {
  const queue: Pending[] = [];
  const waiting: ServerResponse[] = [];
  const results = new Map<string, (result: PostedResult) => void>();
  const initErrors: PostedResult[] = [];
  const initWaiters: ((result: PostedResult) => void)[] = [];
  const requests: string[] = [];

  const deliver = (res: ServerResponse, pending: Pending) => {
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'Lambda-Runtime-Aws-Request-Id': pending.requestId,
      'Lambda-Runtime-Deadline-Ms': String(Date.now() + 30_000),
      'Lambda-Runtime-Invoked-Function-Arn': 'arn:aws:lambda:us-east-1:123456789012:function:stand-in',
      'Lambda-Runtime-Trace-Id': `Root=1-00000000-${pending.requestId.replaceAll('-', '').slice(0, 24)};Sampled=0`,
    };
    if (pending.chunked) {
      res.writeHead(200, { ...headers, 'Transfer-Encoding': 'chunked' });
      // Two chunks, so a client that reads only the first would get broken JSON.
      const middle = Math.floor(pending.event.length / 2);
      res.write(pending.event.slice(0, middle));
      res.end(pending.event.slice(middle));
    } else {
      res.writeHead(200, { ...headers, 'Content-Length': String(Buffer.byteLength(pending.event)) });
      res.end(pending.event);
    }
  };

  const server = createServer((req, res) => {
    void (async () => {
      const path = req.url ?? '';
      requests.push(`${req.method ?? ''} ${path}`);
      if (req.method === 'GET' && path === `${BASE}/invocation/next`) {
        const pending = queue.shift();
        if (pending) return deliver(res, pending);
        waiting.push(res);
        // A runtime that goes away (its container stopped) must not be handed the next event.
        res.on('close', () => {
          const index = waiting.indexOf(res);
          if (index >= 0) waiting.splice(index, 1);
        });
        return;
      }
      const posted = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(path);
      if (req.method === 'POST' && posted) {
        const [, requestId = '', kind] = posted;
        const body = await readBody(req);
        const settle = results.get(requestId);
        if (!settle) return void res.writeHead(400).end('{"errorMessage":"unknown request id"}');
        results.delete(requestId);
        res.writeHead(202, { 'Content-Type': 'application/json' }).end('{"status":"OK"}');
        settle({
          kind: kind === 'error' ? 'error' : 'response',
          requestId,
          body,
          json: parseJson(body),
          headers: req.headers,
        });
        return;
      }
      if (req.method === 'POST' && path === `${BASE}/init/error`) {
        const body = await readBody(req);
        res.writeHead(202, { 'Content-Type': 'application/json' }).end('{"status":"OK"}');
        const result: PostedResult = {
          kind: 'init-error',
          body,
          json: parseJson(body),
          headers: req.headers,
        };
        initErrors.push(result);
        for (const resolve of initWaiters.splice(0)) resolve(result);
        return;
      }
      res.writeHead(404).end();
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    address: `${host}:${port}`,
    requests,
    invoke(event, options = {}) {
      const pending = {
        requestId: options.requestId ?? randomUUID(),
        event,
        chunked: options.chunked ?? false,
      };
      const result = new Promise<PostedResult>((resolve) => results.set(pending.requestId, resolve));
      const res = waiting.shift();
      if (res) deliver(res, pending);
      else queue.push(pending);
      return result;
    },
    initError() {
      const first = initErrors[0];
      if (first) return Promise.resolve(first);
      return new Promise((resolve) => initWaiters.push(resolve));
    },
    async close() {
      for (const res of waiting.splice(0)) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
