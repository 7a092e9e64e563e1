import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeDockerEndpoint } from '../../../src/core/engine/describe-endpoint.js';
import {
  resolveDockerEndpoint,
  type DockerEndpointRequest,
} from '../../../src/core/engine/docker-endpoint.js';
import { UserError } from '../../../src/core/errors.js';
import { sharedTempDir } from '../../support/temp-dir.js';

const shared = sharedTempDir('layerforge-docker-endpoint-');
let home = '';
let dockerDir = '';

/** Writes a context as `docker context create` lays it out (checked against the real CLI in test/integration/docker-contexts.test.ts). */
async function writeContext(
  configDir: string,
  name: string,
  host: string,
  options: { skipTlsVerify?: boolean; tlsFiles?: string[] } = {},
): Promise<void> {
  const id = createHash('sha256').update(name).digest('hex');
  const meta = join(configDir, 'contexts', 'meta', id);
  await mkdir(meta, { recursive: true });
  await writeFile(
    join(meta, 'meta.json'),
    JSON.stringify({
      Name: name,
      Metadata: {},
      Endpoints: { docker: { Host: host, SkipTLSVerify: options.skipTlsVerify ?? false } },
    }),
  );
  if (options.tlsFiles) {
    const tls = join(configDir, 'contexts', 'tls', id, 'docker');
    await mkdir(tls, { recursive: true });
    for (const file of options.tlsFiles) await writeFile(join(tls, file), 'pem');
  }
}

beforeAll(async () => {
  home = shared.path;
  dockerDir = join(home, '.docker');
  await writeContext(dockerDir, 'remote', 'tcp://10.0.0.5:2376', {
    tlsFiles: ['ca.pem', 'cert.pem', 'key.pem'],
  });
  await writeContext(dockerDir, 'plain', 'tcp://10.0.0.6');
  await writeContext(dockerDir, 'insecure', 'tcp://10.0.0.7', { skipTlsVerify: true });
  await writeContext(dockerDir, 'podman', 'unix:///run/podman/podman.sock');
  await writeContext(dockerDir, 'broken', 'tcp://a b');
  await writeFile(join(dockerDir, 'config.json'), JSON.stringify({ auths: {}, currentContext: 'podman' }));
});

function resolve(env: NodeJS.ProcessEnv, flags: Partial<DockerEndpointRequest> = {}) {
  return resolveDockerEndpoint({ env, home, ...flags });
}

async function failure(promise: Promise<unknown>): Promise<UserError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

describe('resolveDockerEndpoint: which engine, in the docker CLI order', () => {
  const envBoth = { DOCKER_HOST: 'tcp://10.9.9.9:2375', DOCKER_CONTEXT: 'plain' };

  it('--docker-host beats DOCKER_HOST, DOCKER_CONTEXT and the current context', async () => {
    const endpoint = await resolve(envBoth, { host: 'unix:///tmp/flag.sock' });
    expect(endpoint).toMatchObject({ host: 'unix:///tmp/flag.sock', source: '--docker-host' });
    expect(endpoint.transport).toEqual({ kind: 'unix', socketPath: '/tmp/flag.sock' });
  });

  it('--context beats DOCKER_HOST and DOCKER_CONTEXT', async () => {
    const endpoint = await resolve(envBoth, { context: 'remote' });
    expect(endpoint).toMatchObject({ host: 'tcp://10.0.0.5:2376', source: '--context', context: 'remote' });
  });

  it('DOCKER_HOST beats DOCKER_CONTEXT, which beats currentContext', async () => {
    expect(await resolve(envBoth)).toMatchObject({ host: 'tcp://10.9.9.9:2375', source: 'DOCKER_HOST' });
    expect(await resolve({ DOCKER_CONTEXT: 'plain' })).toMatchObject({
      host: 'tcp://10.0.0.6',
      source: 'DOCKER_CONTEXT',
      context: 'plain',
    });
    expect(await resolve({})).toMatchObject({
      host: 'unix:///run/podman/podman.sock',
      source: 'currentContext',
      context: 'podman',
    });
  });

  it('with nothing set, the local socket', async () => {
    const endpoint = await resolveDockerEndpoint({ env: {}, home: join(home, 'nobody') });
    expect(endpoint).toEqual({
      host: 'unix:///var/run/docker.sock',
      source: 'default',
      transport: { kind: 'unix', socketPath: '/var/run/docker.sock' },
    });
  });

  it('empty variables count as unset, as in the docker CLI', async () => {
    expect(await resolve({ DOCKER_HOST: '', DOCKER_CONTEXT: ' ' })).toMatchObject({
      source: 'currentContext',
    });
  });

  it('DOCKER_CONFIG replaces ~/.docker', async () => {
    const other = join(home, 'other-config');
    await writeContext(other, 'elsewhere', 'unix:///tmp/elsewhere.sock');
    await mkdir(other, { recursive: true });
    await writeFile(join(other, 'config.json'), JSON.stringify({ currentContext: 'elsewhere' }));
    expect(await resolve({ DOCKER_CONFIG: other })).toMatchObject({ host: 'unix:///tmp/elsewhere.sock' });
    // ~/.docker's contexts are not seen through it.
    const error = await failure(resolve({ DOCKER_CONFIG: other, DOCKER_CONTEXT: 'plain' }));
    expect(error.message).toBe(`Docker context "plain" (from DOCKER_CONTEXT) was not found in ${other}`);
  });

  it('the context named "default" is DOCKER_HOST or the local socket', async () => {
    expect(await resolve({ DOCKER_CONTEXT: 'default' })).toMatchObject({
      host: 'unix:///var/run/docker.sock',
      context: 'default',
    });
    expect(await resolve({ DOCKER_HOST: 'tcp://10.1.1.1:2375' }, { context: 'default' })).toMatchObject({
      host: 'tcp://10.1.1.1:2375',
      source: '--context',
    });
  });

  it('--docker-host with --context is bad usage', async () => {
    const error = await failure(resolve({}, { host: 'unix:///x.sock', context: 'remote' }));
    expect(error.message).toBe('give --docker-host or --context, not both');
  });

  it('a missing context, a context with a bad host and a broken config.json are bad input with a hint', async () => {
    const missing = await failure(resolve({}, { context: 'nope' }));
    expect(missing.message).toBe(`Docker context "nope" (from --context) was not found in ${dockerDir}`);
    expect(missing.hint).toMatch(/docker context ls/);
    const bad = await failure(resolve({ DOCKER_CONTEXT: 'broken' }));
    expect(bad.message).toBe(
      'the host of Docker context "broken" is "tcp://a b", not a Docker host: it is not a valid URL',
    );
    const configDir = join(home, 'broken-config');
    await mkdir(configDir, { recursive: true });
    await writeFile(join(configDir, 'config.json'), '{ "currentContext": ');
    const broken = await failure(resolve({ DOCKER_CONFIG: configDir }));
    expect(broken.message).toBe(
      `${join(configDir, 'config.json')} is not valid JSON, so its current Docker context cannot be read`,
    );
  });
});

describe('resolveDockerEndpoint: TLS', () => {
  it('DOCKER_TLS_VERIFY (any non-empty value, as in the docker CLI) verifies with DOCKER_CERT_PATH', async () => {
    for (const value of ['1', 'true', '0']) {
      const endpoint = await resolve({
        DOCKER_HOST: 'tcp://10.0.0.5',
        DOCKER_TLS_VERIFY: value,
        DOCKER_CERT_PATH: '/certs',
      });
      expect(endpoint.transport).toEqual({
        kind: 'tcp',
        hostname: '10.0.0.5',
        port: 2376,
        pathPrefix: '/',
        tls: { verify: true, certDir: '/certs', caRequired: true },
      });
    }
  });

  it('DOCKER_TLS alone is TLS without verification; the certificates default to the config folder', async () => {
    const endpoint = await resolve({ DOCKER_HOST: 'tcp://10.0.0.5:2376', DOCKER_TLS: '1' });
    expect(endpoint.transport).toMatchObject({
      tls: { verify: false, certDir: dockerDir, caRequired: false },
    });
  });

  it('TLS settings from the environment apply to --docker-host too, as to the docker CLI -H', async () => {
    const endpoint = await resolve(
      { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' },
      { host: 'tcp://10.0.0.5:2376' },
    );
    expect(endpoint.transport).toMatchObject({ tls: { verify: true, certDir: '/certs' } });
  });

  it('without TLS settings, tcp is plain HTTP on 2375', async () => {
    const endpoint = await resolve({ DOCKER_HOST: 'tcp://10.0.0.5' });
    expect(endpoint.transport).toEqual({ kind: 'tcp', hostname: '10.0.0.5', port: 2375, pathPrefix: '/' });
  });

  it("a context's TLS comes from its own store, never from the environment", async () => {
    const env = { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' };
    const id = createHash('sha256').update('remote').digest('hex');
    expect((await resolve(env, { context: 'remote' })).transport).toMatchObject({
      tls: { verify: true, certDir: join(dockerDir, 'contexts', 'tls', id, 'docker'), caRequired: false },
    });
    expect((await resolve(env, { context: 'plain' })).transport).not.toHaveProperty('tls');
    expect((await resolve(env, { context: 'insecure' })).transport).toMatchObject({
      port: 2376,
      tls: { verify: false },
    });
  });
});

describe('describeDockerEndpoint', () => {
  it('says where, how and what chose it, without secrets', async () => {
    const summary = describeDockerEndpoint(
      await resolve({
        DOCKER_HOST: 'tcp://10.0.0.5:2376',
        DOCKER_TLS_VERIFY: '1',
        DOCKER_CERT_PATH: '/certs',
      }),
    );
    expect(summary).toEqual({
      host: 'tcp://10.0.0.5:2376',
      source: 'DOCKER_HOST',
      transport: 'tcp',
      tls: { verify: true, certDir: '/certs' },
      text: 'tcp://10.0.0.5:2376 (TLS, verified; from DOCKER_HOST)',
    });
    expect(describeDockerEndpoint(await resolve({})).text).toBe(
      'unix:///run/podman/podman.sock (context "podman", the current context in config.json)',
    );
  });
});
