// engine-http.ts against a server on a unix socket, as a local engine listens; the real engine
// answers the same calls in every integration test that builds (ping, inspects, container list).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { engineFailure } from '../../../src/core/engine/engine-errors.js';
import { engineGet, EngineHttpError } from '../../../src/core/engine/engine-http.js';
import { tempDir } from '../../support/temp-dir.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function engineAt(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const socketPath = join(await tempDir('layerforge-engine-http-'), 'docker.sock');
  server = createServer(handler);
  await new Promise<void>((resolve) => server?.listen(socketPath, resolve));
  return socketPath;
}

describe('engineGet', () => {
  it('sends the path and query unversioned, and returns the JSON answer', async () => {
    const seen: string[] = [];
    const socketPath = await engineAt((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.setHeader('content-type', 'application/json').end('[{"Id":"abc"}]');
    });
    const filters = JSON.stringify({ label: ['layerforge.managed=true'] });
    expect(await engineGet({ socketPath }, '/containers/json', { all: 'true', filters })).toEqual([
      { Id: 'abc' },
    ]);
    expect(seen).toEqual([`GET /containers/json?all=true&filters=${encodeURIComponent(filters)}`]);
  });

  it('returns a text answer as text: the ping says OK', async () => {
    const socketPath = await engineAt((_req, res) => res.end('OK'));
    expect(await engineGet({ socketPath }, '/_ping')).toBe('OK');
  });

  it("fails with the status and the engine's message, shaped as docker-modem's errors", async () => {
    const socketPath = await engineAt((_req, res) => {
      res.statusCode = 404;
      res.end('{"message":"No such image: layerforge/none:1"}');
    });
    const error = await engineGet({ socketPath }, '/images/layerforge/none:1/json').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineHttpError);
    expect(error).toMatchObject({
      statusCode: 404,
      message: '(HTTP code 404) No such image: layerforge/none:1',
    });
  });

  it('a socket nobody listens on is an unreachable engine, as engine-errors.ts tells it', async () => {
    const socketPath = join(await tempDir('layerforge-engine-http-'), 'absent.sock');
    const error = await engineGet({ socketPath }, '/_ping').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ENOENT' });
    const endpoint = {
      host: `unix://${socketPath}`,
      source: 'default' as const,
      transport: { kind: 'unix' as const, socketPath },
    };
    expect(engineFailure(error, endpoint)?.message).toMatch(/^cannot reach the Docker engine/);
  });

  it('stops waiting when the signal aborts', async () => {
    const socketPath = await engineAt(() => {
      // Never answers.
    });
    const controller = new AbortController();
    const pending = engineGet({ socketPath }, '/info', {}, controller.signal).catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 20);
    expect(await pending).toMatchObject({ name: 'AbortError' });
    server?.closeAllConnections();
  });
});
