import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * moto's server: a third-party emulator of the AWS APIs (Lambda layers and S3 here), installed
 * from PyPI into a cached virtualenv and started on a loopback port per test file. A failure to
 * install or start throws, so the tests fail (in CI and everywhere else): they never skip.
 */
export const MOTO_VERSION = '5.2.5';
/** moto's fixed account id: every ARN it returns carries it. */
export const MOTO_ACCOUNT = '123456789012';

const cacheRoot = process.env.LAYERFORGE_TEST_CACHE ?? join(homedir(), '.cache', 'layerforge-test');
const venvDir = join(cacheRoot, `moto-venv-${MOTO_VERSION}`);
const readyMarker = join(venvDir, '.layerforge-installed');
const lockDir = `${venvDir}.lock`;

export interface MotoServer {
  /** `http://127.0.0.1:<port>`: give it to the SDK as the endpoint. */
  endpoint: string;
  port: number;
  /** Forgets every resource (moto's reset API), for a clean slate between tests. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

function run(command: string, args: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${command} could not start: ${error.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${output.slice(-4000)}`));
    });
  });
}

/** Two test files may start at once: a lock folder keeps one installer at a time. */
async function withInstallLock<T>(work: () => Promise<T>): Promise<T> {
  await mkdir(cacheRoot, { recursive: true });
  const deadline = Date.now() + 9 * 60_000;
  for (;;) {
    try {
      await mkdir(lockDir);
      break;
    } catch {
      // A lock older than the install timeout belongs to a process that died.
      const age = await stat(lockDir).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > 6 * 60_000) await rm(lockDir, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockDir}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await work();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

/** Installs moto[server] once; returns the moto_server executable. */
export async function ensureMoto(): Promise<string> {
  const server = join(venvDir, 'bin', 'moto_server');
  if (existsSync(readyMarker)) return server;
  return withInstallLock(async () => {
    if (existsSync(readyMarker)) return server;
    await rm(venvDir, { recursive: true, force: true });
    const python = process.env.LAYERFORGE_TEST_PYTHON ?? 'python3';
    await run(python, ['-m', 'venv', venvDir], 120_000);
    await run(
      join(venvDir, 'bin', 'pip'),
      ['install', '--quiet', `moto[server]==${MOTO_VERSION}`],
      5 * 60_000,
    );
    await writeFile(readyMarker, `moto ${MOTO_VERSION}\n`);
    return server;
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(2000) });
    return response.ok;
  } catch {
    return false;
  }
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/** Starts moto's server on a free loopback port and waits until it answers. */
export async function startMoto(): Promise<MotoServer> {
  const executable = await ensureMoto();
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(executable, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
  let log = '';
  const keep = (d: Buffer) => (log = (log + d.toString()).slice(-8000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const deadline = Date.now() + 60_000;
  while (!(await answers(endpoint))) {
    if (child.exitCode !== null) throw new Error(`moto_server exited ${child.exitCode}:\n${log}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto_server did not answer on ${endpoint} within 60 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    endpoint,
    port,
    async reset() {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`moto reset answered ${response.status}`);
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited(child);
      clearTimeout(timer);
    },
  };
}
