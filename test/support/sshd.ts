import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';

/** A private OpenSSH server on 127.0.0.1 and an agent holding the key it accepts. */
export interface TestSshd {
  port: number;
  user: string;
  /** The private key the server accepts (no passphrase). */
  userKey: string;
  /** A key the server does not accept. */
  strangerKey: string;
  /** Its public half, `ssh-ed25519 AAAA... comment`: a host key that is not the server's. */
  strangerPublicKey: string;
  /** An ssh-agent's socket, holding `userKey`. */
  agentSocket: string;
  /** The server's host key line for known_hosts, as ssh-keyscan reads it. */
  knownHostsLine: string;
  stop(): Promise<void>;
}

const SSHD = '/usr/sbin/sshd';

function keygen(path: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'layerforge-test', '-f', path], {
    stdio: 'pipe',
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/** Resolves when the process writes `ready` on stderr; rejects if it exits first. */
function started(child: ChildProcess, ready: RegExp, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`${what} exited (${code}) before it was ready:\n${output}`)));
  });
}

/**
 * Runs Debian's sshd as the current user with its own host key, config and authorized key
 * (nothing of the system's sshd is touched), and an ssh-agent holding the accepted key. The
 * session's `docker system dial-stdio` reaches the real engine, as the docker CLI's ssh would.
 */
export async function startSshd(dir: string): Promise<TestSshd> {
  if (!existsSync(SSHD)) throw new Error(`these tests need ${SSHD}: bash .ci/run installs openssh-server`);
  await mkdir(dir, { recursive: true });
  for (const key of ['host_key', 'user_key', 'stranger_key']) keygen(join(dir, key));
  execFileSync('cp', [join(dir, 'user_key.pub'), join(dir, 'authorized_keys')]);
  const port = await freePort();
  await writeFile(
    join(dir, 'sshd_config'),
    [
      'ListenAddress 127.0.0.1',
      `Port ${port}`,
      `HostKey ${join(dir, 'host_key')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      '',
    ].join('\n'),
  );
  // sshd refuses to start without its privilege-separation folder.
  await mkdir('/run/sshd', { recursive: true });
  const sshd = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await started(sshd, /Server listening on 127\.0\.0\.1/, 'sshd');
  const agentSocket = join(dir, 'agent.sock');
  const agent = spawn('ssh-agent', ['-D', '-a', agentSocket], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    agent.stdout?.once('data', () => resolve());
    agent.on('exit', (code) => reject(new Error(`ssh-agent exited (${code})`)));
  });
  execFileSync('ssh-add', ['-q', join(dir, 'user_key')], {
    env: { ...process.env, SSH_AUTH_SOCK: agentSocket },
    stdio: 'pipe',
  });
  const scanned = execFileSync('ssh-keyscan', ['-p', String(port), '-t', 'ed25519', '127.0.0.1'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const knownHostsLine = scanned.split('\n').find((line) => line.startsWith('[127.0.0.1]')) ?? '';
  if (!knownHostsLine) throw new Error(`ssh-keyscan found no host key on port ${port}`);
  const stopped = (child: ChildProcess) =>
    child.exitCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    port,
    user: userInfo().username,
    userKey: join(dir, 'user_key'),
    strangerKey: join(dir, 'stranger_key'),
    strangerPublicKey: (await readFile(join(dir, 'stranger_key.pub'), 'utf8')).trim(),
    agentSocket,
    knownHostsLine,
    async stop() {
      const done = [stopped(sshd), stopped(agent)];
      sshd.kill();
      agent.kill();
      await Promise.all(done);
    },
  };
}
