import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';

/** A private podman API service on a unix socket of its own. */
export interface TestPodman {
  /** `unix:///.../podman.sock`, for DOCKER_HOST or --docker-host. */
  host: string;
  socketPath: string;
  version: string;
  stop(): Promise<void>;
}

/** Podman runs here (Debian's package): in CI its absence is a failure, not a skip. */
export function requirePodman(): string {
  try {
    return execFileSync('podman', ['--version'], { encoding: 'utf8' }).trim();
  } catch (error) {
    throw new Error(
      `this test needs podman (bash .ci/run installs Debian's package): ${String(error).split('\n')[0]}`,
    );
  }
}

function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/**
 * Starts `podman system service` on a socket in `dir`, with its own storage, run folder and
 * containers.conf, so the machine's podman (and Docker) state is untouched. The conf lowers the
 * containers' open-files and process limits: podman raises both to its maxima by default, and
 * raising a limit needs CAP_SYS_RESOURCE, which these machines' root lacks.
 */
export async function startPodman(dir: string): Promise<TestPodman> {
  const version = requirePodman();
  await mkdir(dir, { recursive: true });
  const conf = join(dir, 'containers.conf');
  await writeFile(conf, '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]\n');
  const socketPath = join(dir, 'podman.sock');
  const host = `unix://${socketPath}`;
  const args = [
    '--root',
    join(dir, 'storage'),
    '--runroot',
    join(dir, 'run'),
    '--tmpdir',
    join(dir, 'tmp'),
    // vfs mounts nothing, so the storage folder is removed with the test's temp folder.
    '--storage-driver',
    'vfs',
    'system',
    'service',
    '--time=0',
    host,
  ];
  const child = spawn('podman', args, {
    env: { ...process.env, CONTAINERS_CONF: conf },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // The service says nothing when it is ready: wait for its socket to answer, as a client would.
  const deadline = Date.now() + 60_000;
  while (!(existsSync(socketPath) && (await ping(socketPath)))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill();
      throw new Error(`podman system service did not answer on ${socketPath}:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    host,
    socketPath,
    version,
    async stop() {
      if (child.exitCode === null) child.kill();
      await exited;
    },
  };
}
