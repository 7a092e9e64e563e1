// ssh:// Docker hosts against a real OpenSSH server on 127.0.0.1 whose sessions run
// `docker system dial-stdio` on the real engine, as the docker CLI's ssh transport does: the SSH
// agent, ~/.ssh/config aliases and keys, and known_hosts checking.
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobContext } from '../../src/core/job-context.js';
import { requireDocker } from '../support/docker.js';
import { echoThrough } from '../support/engine-echo.js';
import { startSshd, type TestSshd } from '../support/sshd.js';
import { runLayerforge, type CliRun } from '../support/run-cli.js';
import { sharedTempDir } from '../support/temp-dir.js';

const shared = sharedTempDir('layerforge-it-docker-ssh-');
let work = '';
let sshd: TestSshd;
let url = '';

beforeAll(async () => {
  requireDocker();
  work = shared.path;
  sshd = await startSshd(join(work, 'sshd'));
  url = `ssh://${sshd.user}@127.0.0.1:${sshd.port}`;
});

afterAll(async () => {
  await sshd?.stop();
});

/** A fresh home with the given ~/.ssh files. */
async function homeWith(name: string, files: Record<string, string>): Promise<string> {
  const home = join(work, name);
  await mkdir(join(home, '.ssh'), { recursive: true });
  for (const [file, text] of Object.entries(files)) await writeFile(join(home, '.ssh', file), text);
  return home;
}

function baseBuild(home: string, env: NodeJS.ProcessEnv, host: string): Promise<CliRun> {
  return runLayerforge(['base', 'build', 'debian12', '--arch', 'x86_64', '--docker-host', host], {
    cwd: work,
    env: { PATH: process.env.PATH, HOME: home, USER: sshd.user, ...env },
  });
}

describe('Docker over ssh://', () => {
  it('authenticates with the SSH agent (SSH_AUTH_SOCK) and checks known_hosts', async () => {
    const home = await homeWith('agent', { known_hosts: `${sshd.knownHostsLine}\n` });
    const run = await baseBuild(home, { SSH_AUTH_SOCK: sshd.agentSocket }, url);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^debian12 x86_64: layerforge\/debian12-build:/m);
  });

  it('follows a ~/.ssh/config Host alias: HostName, Port, User and IdentityFile, with no agent', async () => {
    const home = await homeWith('alias', {
      known_hosts: `${sshd.knownHostsLine}\n`,
      config: [
        'Host builder',
        '  HostName 127.0.0.1',
        `  Port ${sshd.port}`,
        `  User ${sshd.user}`,
        '  IdentityFile ~/.ssh/builder_key',
        '',
      ].join('\n'),
    });
    await copyFile(sshd.userKey, join(home, '.ssh', 'builder_key'));
    const run = await baseBuild(home, {}, 'ssh://builder');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('runs a container over ssh (attach and wait through the SSH channel)', async () => {
    const home = await homeWith('run', { known_hosts: `${sshd.knownHostsLine}\n` });
    const job = createJobContext({
      cwd: work,
      env: { HOME: home, USER: sshd.user, SSH_AUTH_SOCK: sshd.agentSocket },
      dockerHost: url,
    });
    await echoThrough(await job.engine(), 'hello over ssh', 'docker-ssh');
  });

  it('refuses a host whose key is not in known_hosts, and says how to record it', async () => {
    const home = await homeWith('unknown-host', {});
    const run = await baseBuild(home, { SSH_AUTH_SOCK: sshd.agentSocket }, url);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(
        `^error: the SSH host key of \\[127\\.0\\.0\\.1\\]:${sshd.port} \\(SHA256:\\S+\\) is not in known_hosts$`,
        'm',
      ),
    );
    expect(run.stderr).toContain(`hint: check the fingerprint and record the key with \`ssh -p ${sshd.port}`);
  });

  it('refuses a host whose key changed', async () => {
    // The host's name with another key: what known_hosts holds after the server was replaced.
    const [hostField = ''] = sshd.knownHostsLine.split(' ');
    const home = await homeWith('changed-host', { known_hosts: `${hostField} ${sshd.strangerPublicKey}\n` });
    const run = await baseBuild(home, { SSH_AUTH_SOCK: sshd.agentSocket }, url);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/does not match known_hosts: someone may be intercepting the connection/);
  });

  it('a key the server does not accept is a clear error', async () => {
    const home = await homeWith('stranger', { known_hosts: `${sshd.knownHostsLine}\n` });
    await copyFile(sshd.strangerKey, join(home, '.ssh', 'id_ed25519'));
    const run = await baseBuild(home, {}, url);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `error: SSH to ${sshd.user}@127.0.0.1:${sshd.port} was refused: the server accepted none of the keys offered`,
    );
  });

  it('with neither an agent nor a key, says so before connecting (exit 2)', async () => {
    const home = await homeWith('nothing', { known_hosts: `${sshd.knownHostsLine}\n` });
    const run = await baseBuild(home, {}, url);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`error: no SSH agent and no SSH key to reach ${url}`);
  });
});
