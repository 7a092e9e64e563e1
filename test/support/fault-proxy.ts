import { request as httpRequest, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './loopback-server.js';

/** The API call a request is, told apart by method and path (Lambda's REST paths; the rest is S3). */
export type ApiKind =
  | 'PublishLayerVersion'
  | 'ListLayerVersions'
  | 'GetLayerVersion'
  | 'GetLayerVersionPolicy'
  | 'AddLayerVersionPermission'
  | 'OtherLambda'
  | 'S3';

export function classify(method: string, url: string): ApiKind {
  const path = url.split('?')[0] ?? '';
  if (/^\/\d{4}-\d{2}-\d{2}\/layers\/[^/]+\/versions\/?$/.test(path)) {
    return method === 'POST' ? 'PublishLayerVersion' : 'ListLayerVersions';
  }
  if (/^\/\d{4}-\d{2}-\d{2}\/layers\/[^/]+\/versions\/\d+\/policy\/?$/.test(path)) {
    return method === 'POST' ? 'AddLayerVersionPermission' : 'GetLayerVersionPolicy';
  }
  if (/^\/\d{4}-\d{2}-\d{2}\/layers\/[^/]+\/versions\/\d+$/.test(path)) return 'GetLayerVersion';
  if (/^\/\d{4}-\d{2}-\d{2}\//.test(path)) return 'OtherLambda';
  return 'S3';
}

export type Fault =
  /** HTTP 429 with Lambda's TooManyRequestsException body, as Lambda throttles. */
  | { type: 'throttle' }
  /** A service error: 500 ServiceException, 503, or a 403 whose message quotes the request. */
  | { type: 'error'; status: number; errorType: string; message?: string }
  /** Forward to moto, let it act, then destroy the client's socket instead of answering. */
  | { type: 'drop-response' };

export interface FaultRule {
  kind: ApiKind;
  /** The first `times` matching requests get the fault; later ones pass. */
  times: number;
  fault: Fault;
}

export interface ProxiedRequest {
  kind: ApiKind;
  method: string;
  path: string;
  outcome: 'forwarded' | 'throttled' | 'error' | 'dropped';
  /** moto's status, for forwarded and dropped requests. */
  upstreamStatus?: number;
}

export interface FaultProxy {
  endpoint: string;
  addFault(rule: FaultRule): void;
  readonly requests: ProxiedRequest[];
  count(kind: ApiKind, outcome?: ProxiedRequest['outcome']): number;
  stop(): Promise<void>;
}

interface ActiveRule extends FaultRule {
  left: number;
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/**
 * An HTTP proxy on 127.0.0.1 in front of moto that injects faults: throttling, 5xx, and a dropped
 * response after the server acted — the case that makes a naive retry publish a duplicate.
 */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const rules: ActiveRule[] = [];
  const requests: ProxiedRequest[] = [];

  const forward = (
    req: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const out = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (res) => {
          readBody(res).then(
            (data) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: data }),
            reject,
          );
        },
      );
      out.on('error', reject);
      out.end(body);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const kind = classify(method, url);
    const body = await readBody(req);
    const rule = rules.find((r) => r.kind === kind && r.left > 0);
    if (rule) rule.left -= 1;
    const record = (entry: Omit<ProxiedRequest, 'kind' | 'method' | 'path'>) =>
      requests.push({ kind, method, path: url, ...entry });

    if (rule?.fault.type === 'throttle') {
      record({ outcome: 'throttled' });
      res.writeHead(429, {
        'content-type': 'application/json',
        'x-amzn-errortype': 'TooManyRequestsException',
      });
      res.end(JSON.stringify({ Reason: 'CallerRateLimitExceeded', Type: 'User', message: 'Rate exceeded' }));
      return;
    }
    if (rule?.fault.type === 'error') {
      record({ outcome: 'error' });
      res.writeHead(rule.fault.status, {
        'content-type': 'application/json',
        'x-amzn-errortype': rule.fault.errorType,
      });
      res.end(
        JSON.stringify({ Type: 'Service', message: rule.fault.message ?? 'injected by the fault proxy' }),
      );
      return;
    }
    const answer = await forward(req, body);
    if (rule?.fault.type === 'drop-response') {
      // moto has acted (the version exists); the client never hears of it.
      record({ outcome: 'dropped', upstreamStatus: answer.status });
      req.socket.destroy();
      return;
    }
    record({ outcome: 'forwarded', upstreamStatus: answer.status });
    const headers = { ...answer.headers };
    delete headers['transfer-encoding'];
    headers['content-length'] = String(answer.body.length);
    res.writeHead(answer.status, headers);
    res.end(answer.body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`fault proxy: ${String(error)}`);
    });
  });
  const { port, stop } = await listenOnLoopback(server);

  return {
    endpoint: `http://127.0.0.1:${port}`,
    addFault: (rule) => rules.push({ ...rule, left: rule.times }),
    requests,
    count: (kind, outcome) =>
      requests.filter((r) => r.kind === kind && (outcome === undefined || r.outcome === outcome)).length,
    stop,
  };
}
