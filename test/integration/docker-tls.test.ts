// DOCKER_TLS_VERIFY and DOCKER_CERT_PATH against a real TLS endpoint: a TLS listener on 127.0.0.1
// that, like dockerd's --tlsverify, requires a client certificate signed by its CA, in front of
// the real engine's socket. Certificates are made here with openssl.
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobContext } from '../../src/core/job-context.js';
import { requireDocker } from '../support/docker.js';
import { echoThrough } from '../support/engine-echo.js';
import {
  makeCertificates,
  startPlainProxy,
  startTlsProxy,
  type TestCertificates,
  type TlsProxy,
} from '../support/docker-tls-proxy.js';
import { runLayerforge } from '../support/run-cli.js';
import { sharedTempDir } from '../support/temp-dir.js';

const shared = sharedTempDir('layerforge-it-docker-tls-');
let work = '';
let certs: TestCertificates;
let foreign: TestCertificates;
let proxy: TlsProxy;
let host = '';

beforeAll(async () => {
  requireDocker();
  work = shared.path;
  certs = await makeCertificates(work);
  foreign = await makeCertificates(work, 'foreign');
  proxy = await startTlsProxy(certs);
  host = `tcp://127.0.0.1:${proxy.port}`;
});

afterAll(async () => {
  await proxy?.close();
});

/** The environment a user with a TLS engine has: nothing of this machine's leaks in. */
function tlsEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: work, DOCKER_HOST: host, ...extra };
}

const baseBuild = ['base', 'build', 'debian12', '--arch', 'x86_64'];

describe('Docker over TLS (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH)', () => {
  it('talks TLS with the client certificate, and the engine answers', async () => {
    const before = proxy.authorized;
    const run = await runLayerforge(baseBuild, {
      cwd: work,
      env: tlsEnv({ DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs.clientDir }),
    });
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^debian12 x86_64: layerforge\/debian12-build:\S+, layerforge\/debian12-runtime:/m,
    );
    expect(proxy.authorized).toBeGreaterThan(before);
  });

  it('runs a container through the TLS endpoint (attach and wait over TLS)', async () => {
    const job = createJobContext({
      cwd: work,
      env: tlsEnv({ DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs.clientDir }),
    });
    const endpoint = await job.dockerEndpoint();
    expect(endpoint.transport).toMatchObject({
      kind: 'tcp',
      tls: { verify: true, certDir: certs.clientDir },
    });
    await echoThrough(await job.engine(), 'hello over TLS', 'docker-tls');
  });

  it('without TLS settings, a TLS endpoint is a clear error that names DOCKER_TLS_VERIFY', async () => {
    const refusedBefore = proxy.refused;
    const run = await runLayerforge(baseBuild, { cwd: work, env: tlsEnv() });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `error: the Docker engine at ${host} (plain HTTP; from DOCKER_HOST) refused plain HTTP; it may want TLS`,
    );
    expect(run.stderr).toMatch(/^hint: for TLS set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH/m);
    expect(run.stderr).not.toContain('internal error');
    expect(proxy.refused).toBeGreaterThan(refusedBefore);
  });

  it('without a client certificate, the endpoint refuses and the error says a client certificate may be wanted', async () => {
    const caOnly = join(work, 'ca-only');
    await mkdir(caOnly, { recursive: true });
    await copyFile(join(certs.clientDir, 'ca.pem'), join(caOnly, 'ca.pem'));
    const run = await runLayerforge(baseBuild, {
      cwd: work,
      env: tlsEnv({ DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: caOnly }),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `error: the Docker engine at ${host} (TLS, verified; from DOCKER_HOST) refused the TLS connection`,
    );
    expect(run.stderr).toMatch(/^hint: it may want a client certificate/m);
  });

  it('an engine certificate from another CA fails the TLS check', async () => {
    const run = await runLayerforge(baseBuild, {
      cwd: work,
      env: tlsEnv({ DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: foreign.clientDir }),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `error: the Docker engine at ${host} (TLS, verified; from DOCKER_HOST) failed the TLS check`,
    );
  });

  it('TLS settings against a plain engine say it does not talk TLS', async () => {
    const plain = await startPlainProxy();
    try {
      const run = await runLayerforge(baseBuild, {
        cwd: work,
        env: tlsEnv({
          DOCKER_HOST: `tcp://127.0.0.1:${plain.port}`,
          DOCKER_TLS_VERIFY: '1',
          DOCKER_CERT_PATH: certs.clientDir,
        }),
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        `the Docker engine at tcp://127.0.0.1:${plain.port} (TLS, verified; from DOCKER_HOST) does not talk TLS`,
      );
      expect(run.stderr).toMatch(/^hint: unset DOCKER_TLS_VERIFY and DOCKER_TLS/m);
      // And without them, the same engine answers.
      const plainRun = await runLayerforge(baseBuild, {
        cwd: work,
        env: tlsEnv({ DOCKER_HOST: `tcp://127.0.0.1:${plain.port}` }),
      });
      expect(plainRun.stderr).toBe('');
      expect(plainRun.code).toBe(0);
    } finally {
      await plain.close();
    }
  });

  it('DOCKER_TLS_VERIFY with no certificates where DOCKER_CERT_PATH points is bad input (exit 2)', async () => {
    const run = await runLayerforge(baseBuild, {
      cwd: work,
      env: tlsEnv({ DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: join(work, 'no-such-folder') }),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `error: TLS is on for ${host}, but ${join(work, 'no-such-folder', 'ca.pem')} cannot be read`,
    );
    expect(run.stderr).toMatch(
      /^hint: DOCKER_CERT_PATH \(default: ~\/\.docker\) must hold ca\.pem, cert\.pem and key\.pem/m,
    );
  });
});
