import { writeFile } from 'node:fs/promises';
import { Agent as HttpsAgent } from 'node:https';
import { join } from 'node:path';
import Modem from 'docker-modem';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { connectDocker, MODEM_FIELDS, modemWith } from '../../../src/core/engine/docker-connection.js';
import type { DockerEndpoint } from '../../../src/core/engine/docker-endpoint.js';
import { SshDialAgent } from '../../../src/core/engine/ssh-dial.js';
import { UserError } from '../../../src/core/errors.js';
import { sharedTempDir } from '../../support/temp-dir.js';

const shared = sharedTempDir('layerforge-docker-connection-');
let dir = '';

beforeAll(async () => {
  dir = shared.path;
  for (const name of ['ca.pem', 'cert.pem', 'key.pem', 'id_ed25519'])
    await writeFile(join(dir, name), `${name} text`);
});

describe('modemWith', () => {
  it("sets every field docker-modem's constructor sets, so nothing is read from process.env", async () => {
    // The constructor reads DOCKER_HOST: with it unset, its result is the options over its defaults.
    vi.stubEnv('DOCKER_HOST', '');
    try {
      for (const options of [
        { socketPath: '/x.sock' },
        { host: '10.0.0.5', port: 2375, protocol: 'http' as const },
      ]) {
        const theirs = new Modem(options) as unknown as Record<string, unknown>;
        const ours = (await modemWith(options)) as unknown as Record<string, unknown>;
        for (const key of Object.keys(theirs)) expect(Object.keys(MODEM_FIELDS)).toContain(key);
        for (const key of Object.keys(MODEM_FIELDS)) expect(ours[key]).toEqual(theirs[key]);
      }
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('ignores a malformed DOCKER_HOST in the process environment', async () => {
    vi.stubEnv('DOCKER_HOST', 'tcp://a b');
    try {
      expect(() => new Modem({ socketPath: '/x.sock' })).toThrow(/DOCKER_HOST/);
      expect(await modemWith({ socketPath: '/x.sock' })).toMatchObject({
        socketPath: '/x.sock',
        host: undefined,
      });
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

const tcp = (tls?: { verify: boolean; certDir: string; caRequired: boolean }): DockerEndpoint => ({
  host: 'tcp://10.0.0.5:2376',
  source: 'DOCKER_HOST',
  transport: { kind: 'tcp', hostname: '10.0.0.5', port: 2376, pathPrefix: '/', ...(tls ? { tls } : {}) },
});

describe('connectDocker', () => {
  it('TLS: an https agent with ca.pem, cert.pem and key.pem, verifying unless told not to', async () => {
    const { address: modem } = await connectDocker(tcp({ verify: true, certDir: dir, caRequired: true }));
    const fields = modem as unknown as { protocol: string; agent: HttpsAgent; host: string; port: number };
    expect(fields).toMatchObject({ protocol: 'https', host: '10.0.0.5', port: 2376 });
    expect(fields.agent).toBeInstanceOf(HttpsAgent);
    expect(fields.agent.options).toMatchObject({ rejectUnauthorized: true });
    expect(String(fields.agent.options.ca)).toBe('ca.pem text');
    expect(String(fields.agent.options.cert)).toBe('cert.pem text');
    expect(String(fields.agent.options.key)).toBe('key.pem text');
    const insecure = await connectDocker(tcp({ verify: false, certDir: dir, caRequired: false }));
    const agent = insecure.address.agent as HttpsAgent;
    expect(agent.options).toMatchObject({ rejectUnauthorized: false });
    expect(agent.options.ca).toBeUndefined();
  });

  it('without TLS: plain http', async () => {
    const { address } = await connectDocker(tcp());
    expect(address).toMatchObject({ protocol: 'http', host: '10.0.0.5' });
    expect(address.agent).toBeUndefined();
  });

  it('a required ca.pem that cannot be read is bad input naming the file', async () => {
    const error = await connectDocker(
      tcp({ verify: true, certDir: join(dir, 'missing'), caRequired: true }),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(
      `TLS is on for tcp://10.0.0.5:2376, but ${join(dir, 'missing', 'ca.pem')} cannot be read`,
    );
  });

  it('ssh: HTTP over an SSH agent that offers the agent first, then each readable key', async () => {
    const { address: modem } = await connectDocker({
      host: 'ssh://builder',
      source: '--docker-host',
      transport: {
        kind: 'ssh',
        alias: 'builder',
        hostname: '10.0.0.5',
        port: 2222,
        username: 'deploy',
        agent: '/tmp/agent.sock',
        identityFiles: [join(dir, 'missing_key'), join(dir, 'id_ed25519')],
        knownHostsFiles: [],
        strictHostKeyChecking: 'yes',
      },
    });
    const fields = modem as unknown as { protocol: string; agent: SshDialAgent };
    expect(fields.protocol).toBe('http');
    expect(fields.agent).toBeInstanceOf(SshDialAgent);
    expect(fields.agent.config).toMatchObject({
      host: '10.0.0.5',
      port: 2222,
      username: 'deploy',
      authHandler: [
        { type: 'agent', username: 'deploy', agent: '/tmp/agent.sock' },
        { type: 'publickey', username: 'deploy', key: Buffer.from('id_ed25519 text') },
      ],
    });
    expect(typeof fields.agent.config.hostVerifier).toBe('function');
  });
});
