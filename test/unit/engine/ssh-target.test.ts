import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveDockerEndpoint } from '../../../src/core/engine/docker-endpoint.js';
import { sshHostConfig } from '../../../src/core/engine/ssh-config.js';
import { UserError } from '../../../src/core/errors.js';
import { sharedTempDir } from '../../support/temp-dir.js';

const shared = sharedTempDir('layerforge-ssh-target-');
let home = '';
let sshDir = '';

const CONFIG = `# layerforge test
Host builder
  HostName 10.0.0.5
  Port 2222
  User deploy
  IdentityFile ~/.ssh/builder_key
  IdentityFile %d/.ssh/second_%r

Host *.internal !db.internal
  User=ops
  IdentityAgent ~/.ssh/agent-%h.sock

Host quoted
  HostName "10.0.0.9"
  IdentityAgent none
  StrictHostKeyChecking accept-new
  UserKnownHostsFile ~/.ssh/known_quoted

Match host matched
  User matchuser

Include config.d/*.conf

Host *
  User fallback
  Port 2200
`;

beforeAll(async () => {
  home = shared.path;
  sshDir = join(home, '.ssh');
  await mkdir(join(sshDir, 'config.d'), { recursive: true });
  await writeFile(join(sshDir, 'config'), CONFIG);
  await writeFile(join(sshDir, 'config.d', '10-included.conf'), 'Host included\n  HostName 10.0.0.10\n');
  await writeFile(join(sshDir, 'config.d', 'ignored.txt'), 'Host included\n  HostName 10.9.9.9\n');
});

describe('sshHostConfig (~/.ssh/config)', () => {
  it('applies every matching Host block, the first value of each keyword winning', async () => {
    expect(await sshHostConfig(sshDir, 'builder')).toEqual({
      hostName: '10.0.0.5',
      port: 2222,
      user: 'deploy',
      identityFiles: ['~/.ssh/builder_key', '%d/.ssh/second_%r'],
    });
    expect(await sshHostConfig(sshDir, 'elsewhere')).toEqual({
      user: 'fallback',
      port: 2200,
      identityFiles: [],
    });
  });

  it('reads wildcards, negations, Keyword=value and quotes; skips Match blocks', async () => {
    expect(await sshHostConfig(sshDir, 'web.internal')).toMatchObject({ user: 'ops' });
    expect(await sshHostConfig(sshDir, 'db.internal')).toMatchObject({ user: 'fallback' });
    expect(await sshHostConfig(sshDir, 'quoted')).toMatchObject({
      hostName: '10.0.0.9',
      identityAgent: 'none',
    });
    expect(await sshHostConfig(sshDir, 'matched')).toMatchObject({ user: 'fallback' });
  });

  it('follows Include with a wildcard, relative to ~/.ssh', async () => {
    expect(await sshHostConfig(sshDir, 'included')).toMatchObject({ hostName: '10.0.0.10' });
  });

  it('a missing config is no settings', async () => {
    expect(await sshHostConfig(join(home, 'none'), 'builder')).toEqual({ identityFiles: [] });
  });
});

describe('resolveDockerEndpoint for ssh:// hosts', () => {
  const env = { USER: 'me', SSH_AUTH_SOCK: '/tmp/agent.sock' };

  it('carries the SSH agent socket and the config alias resolution', async () => {
    const endpoint = await resolveDockerEndpoint({ env, home, host: 'ssh://builder' });
    expect(endpoint.transport).toEqual({
      kind: 'ssh',
      alias: 'builder',
      hostname: '10.0.0.5',
      port: 2222,
      username: 'deploy',
      agent: '/tmp/agent.sock',
      identityFiles: [join(sshDir, 'builder_key'), join(sshDir, 'second_deploy')],
      knownHostsFiles: [
        join(sshDir, 'known_hosts'),
        join(sshDir, 'known_hosts2'),
        '/etc/ssh/ssh_known_hosts',
      ],
      strictHostKeyChecking: 'yes',
    });
  });

  it("the URL's user and port win over the config's, as with `ssh -p`", async () => {
    const endpoint = await resolveDockerEndpoint({ env, home, host: 'ssh://root@builder:22' });
    expect(endpoint.transport).toMatchObject({ hostname: '10.0.0.5', username: 'root', port: 22 });
  });

  it('IdentityAgent: a path with tokens, or none; StrictHostKeyChecking and UserKnownHostsFile', async () => {
    const web = await resolveDockerEndpoint({ env, home, host: 'ssh://web.internal' });
    expect(web.transport).toMatchObject({ agent: join(sshDir, 'agent-web.internal.sock'), port: 2200 });
    const quoted = await resolveDockerEndpoint({ env, home, host: 'ssh://quoted' });
    expect(quoted.transport).not.toHaveProperty('agent');
    expect(quoted.transport).toMatchObject({
      strictHostKeyChecking: 'accept-new',
      knownHostsFiles: [join(sshDir, 'known_quoted'), '/etc/ssh/ssh_known_hosts'],
    });
  });

  it("without IdentityFile, ssh's default keys; without User, the local user", async () => {
    const bare = join(home, 'bare');
    const endpoint = await resolveDockerEndpoint({ env: { USER: 'me' }, home: bare, host: 'ssh://10.1.1.1' });
    expect(endpoint.transport).toMatchObject({
      username: 'me',
      port: 22,
      identityFiles: ['id_rsa', 'id_ecdsa', 'id_ed25519', 'id_dsa'].map((k) => join(bare, '.ssh', k)),
    });
    expect(endpoint.transport).not.toHaveProperty('agent');
  });

  it('with no user anywhere, bad input that says where to give one', async () => {
    const error = await resolveDockerEndpoint({
      env: {},
      home: join(home, 'bare'),
      host: 'ssh://10.1.1.1',
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe('--docker-host: no user name for ssh://10.1.1.1');
  });
});
