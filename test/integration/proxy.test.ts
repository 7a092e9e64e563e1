// HTTPS_PROXY, HTTP_PROXY and NO_PROXY (issue 15, "AWS settings": proxies) through a real
// forward proxy on 127.0.0.1 that records what it carries: the AWS SDK's calls to moto, a
// recipe's source download, the settings arriving in the build container, and pip inside it
// (the one container on the host network, so it reaches the loopback proxy). --build-env values
// and the proxy's password appear in no output.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestPathFor } from '../../src/core/layer/manifest.js';
import { requireBuiltCli, runBuiltCli } from '../support/built-cli.js';
import { requireDocker } from '../support/docker.js';
import { startForwardProxy, type ForwardProxy } from '../support/forward-proxy.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { runLayerforgeInheritingEnv as runLayerforge } from '../support/run-cli.js';
import { makeLoopbackCertificate, startTlsFront } from '../support/signed-requests.js';
import { sharedTempDir } from '../support/temp-dir.js';

const PROXY_USER = 'builder';
const PROXY_PASSWORD = 'pr0xy-Pa55word-77';
const TOKEN = 'lf-build-env-token-3c9e1f7a';

const shared = sharedTempDir('lf-proxy-');
let work: string;
let moto: MotoServer;
let proxy: ForwardProxy;
let authProxy: ForwardProxy;
let sourceServer: Server;
let sourcePort: number;

beforeAll(async () => {
  requireBuiltCli();
  work = shared.path;
  moto = await startMoto();
  proxy = await startForwardProxy({ loopbackOnly: true });
  authProxy = await startForwardProxy({ credentials: { user: PROXY_USER, password: PROXY_PASSWORD } });
  sourceServer = createServer((req, res) => {
    if (req.url !== '/payload.txt') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/plain' }).end('fetched through the proxy\n');
  });
  await new Promise<void>((resolve) => sourceServer.listen(0, '127.0.0.1', resolve));
  sourcePort = (sourceServer.address() as AddressInfo).port;
});

afterAll(async () => {
  sourceServer?.close();
  await proxy?.stop();
  await authProxy?.stop();
  await moto?.stop();
});

/** The environment of one CLI process: dummy keys, no files of this machine. */
function awsEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: join(work, 'home'),
    AWS_ACCESS_KEY_ID: 'AKIAPROXYTEST0000001',
    AWS_SECRET_ACCESS_KEY: 'proxy-test-secret-0000',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

describe('the AWS SDK behind a proxy', () => {
  it('sends calls to an http:// endpoint through HTTP_PROXY', async () => {
    const before = proxy.calls.length;
    const run = await runBuiltCli(['versions', 'probe', '--json', '--endpoint-url', moto.endpoint], {
      cwd: work,
      env: awsEnv({ HTTP_PROXY: proxy.url }),
    });
    expect(run.stderr).not.toMatch(/error:/);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ layerName: 'probe', versions: [] });
    const calls = proxy.calls.slice(before);
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.map((c) => c.target.split('?')[0])).toContain(
      `${moto.endpoint}/2018-10-31/layers/probe/versions`,
    );
  });

  it('tunnels https:// calls with CONNECT through HTTPS_PROXY, with its credentials, never printed', async () => {
    const certificate = makeLoopbackCertificate(work);
    const tls = await startTlsFront(moto.endpoint, certificate);
    try {
      const before = authProxy.calls.length;
      const run = await runBuiltCli(['versions', 'probe', '--json', '--endpoint-url', tls.endpoint], {
        cwd: work,
        env: awsEnv({ HTTPS_PROXY: authProxy.url, NODE_EXTRA_CA_CERTS: certificate.certFile }),
      });
      expect(run.stderr).not.toMatch(/error:/);
      expect(run.code).toBe(0);
      const calls = authProxy.calls.slice(before);
      expect(calls).toContainEqual(
        expect.objectContaining({ method: 'CONNECT', target: `127.0.0.1:${tls.port}`, status: 200 }),
      );
      expect(calls.every((c) => c.status === 200)).toBe(true);
      expect(run.stdout + run.stderr).not.toContain(PROXY_PASSWORD);
    } finally {
      await tls.stop();
    }
  });

  it('goes direct to a host NO_PROXY names, and still succeeds', async () => {
    const before = proxy.calls.length;
    const run = await runBuiltCli(['versions', 'probe', '--json', '--endpoint-url', moto.endpoint], {
      cwd: work,
      env: awsEnv({ HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, no_proxy: 'localhost,127.0.0.1' }),
    });
    expect(run.code).toBe(0);
    expect(proxy.calls.length).toBe(before);
  });

  it('a proxy that refuses the call fails the command, naming no password', async () => {
    const run = await runBuiltCli(['versions', 'probe', '--endpoint-url', moto.endpoint], {
      cwd: work,
      env: awsEnv({ HTTP_PROXY: authProxy.url.replace(PROXY_PASSWORD, 'wrong-password-1') }),
    });
    expect(run.code).not.toBe(0);
    expect(authProxy.calls.at(-1)?.status).toBe(407);
    expect(run.stderr).not.toContain('wrong-password-1');
  });
});

describe('a build behind a proxy', () => {
  let recipes: string;
  let cacheDir: string;

  beforeAll(async () => {
    requireDocker();
    recipes = join(work, 'recipes');
    cacheDir = join(work, 'cache');
    const dir = join(recipes, 'proxied');
    await mkdir(dir, { recursive: true });
    const payload = 'fetched through the proxy\n';
    await writeFile(
      join(dir, 'recipe.yaml'),
      [
        'name: proxied',
        'version: 1.0.0',
        'summary: a source and a wheel fetched through a proxy, and what the build container was given',
        'license: MIT',
        'homepage: https://example.com/proxied',
        'runtimes: [python3.11]',
        'architectures: [x86_64]',
        'install:',
        '  python:',
        '    requirements: [six==1.16.0]',
        '  sources:',
        `    - url: http://127.0.0.1:${sourcePort}/payload.txt`,
        `      sha256: '${createHash('sha256').update(payload).digest('hex')}'`,
        '  script: build.sh',
        'timeoutMinutes: 10',
        '',
      ].join('\n'),
    );
    await writeFile(
      join(dir, 'build.sh'),
      [
        '#!/bin/sh',
        'set -eu',
        'mkdir -p "$PREFIX/proxy-check"',
        'env | grep -i \'_proxy=\' | sort > "$PREFIX/proxy-check/env.txt"',
        'cp "$SOURCES/payload.txt" "$PREFIX/proxy-check/"',
        'printf %s "$LF_TEST_TOKEN" > "$PREFIX/proxy-check/token.txt"',
        'echo "token is $LF_TEST_TOKEN"',
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
  });

  const build = (token: string, out: string) =>
    runLayerforge(
      [
        'build',
        'proxied',
        '--recipes',
        recipes,
        '--base',
        'debian12',
        '--allow-local-sources',
        '--docker-network',
        'host',
        '--build-env',
        `LF_TEST_TOKEN=${token}`,
        '--json',
        '--out',
        out,
      ],
      {
        cwd: work,
        env: {
          LAYERFORGE_CACHE_DIR: cacheDir,
          HTTPS_PROXY: authProxy.url,
          HTTP_PROXY: authProxy.url,
        },
      },
    );

  it('downloads the source and pip installs through the proxy; the container gets the settings; secrets stay hidden', async () => {
    const before = authProxy.calls.length;
    const out = join(work, 'dist');
    const run = await build(TOKEN, out);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);

    const calls = authProxy.calls.slice(before);
    // The host's source download, tunnelled or in absolute form, and authenticated.
    expect(
      calls.some(
        (c) => c.target.includes(`127.0.0.1:${sourcePort}`) && c.status === 200 && c.proxyAuthorization,
      ),
    ).toBe(true);
    // pip in the build container: CONNECT to the package index's port 443, through the loopback proxy.
    expect(
      calls.some(
        (c) =>
          c.method === 'CONNECT' &&
          c.target.endsWith(':443') &&
          !c.target.startsWith('127.') &&
          c.status === 200,
      ),
    ).toBe(true);

    const zip = join(out, 'proxied-1.0.0-python3.11-x86_64.zip');
    const unzip = (path: string) => execFileSync('unzip', ['-p', zip, path], { encoding: 'utf8' });
    const containerEnv = unzip('proxy-check/env.txt');
    for (const name of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'])
      expect(containerEnv).toContain(`${name}=${authProxy.url}`);
    expect(unzip('proxy-check/payload.txt')).toBe('fetched through the proxy\n');
    expect(unzip('proxy-check/token.txt')).toBe(TOKEN);
    expect(execFileSync('zipinfo', ['-1', zip], { encoding: 'utf8' })).toMatch(/^python\/six\.py$/m);

    // Neither the build-env value nor the proxy's password in events, errors, the log or the manifest.
    const logs = await readdir(join(cacheDir, 'logs'));
    const log = (await Promise.all(logs.map((l) => readFile(join(cacheDir, 'logs', l), 'utf8')))).join('');
    expect(log).toContain('token is [redacted]');
    const manifest = await readFile(manifestPathFor(zip), 'utf8');
    for (const text of [run.stdout, run.stderr, log, manifest]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(PROXY_PASSWORD);
    }
  }, 600_000);

  it('a new value of the same build-env variable reuses the cached build: values are not in the key', async () => {
    const run = await build('another-token-value-42', join(work, 'dist-again'));
    expect(run.code).toBe(0);
    expect(run.events).toContainEqual(expect.objectContaining({ type: 'build.cache', hit: true }));
    expect(run.stdout).not.toContain('another-token-value-42');
  }, 120_000);
});
