// Which engine layerforge talks to, decided as the docker CLI decides it: flags over env over the
// current context. The contexts are made by the real docker CLI in a private DOCKER_CONFIG, and
// point at the real engine's socket or at a TLS listener in front of it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeDockerEndpoint } from '../../src/core/engine/describe-endpoint.js';
import { resolveDockerEndpoint } from '../../src/core/engine/docker-endpoint.js';
import { requireDocker } from '../support/docker.js';
import { makeCertificates, startTlsProxy, type TlsProxy } from '../support/docker-tls-proxy.js';
import { runLayerforge, type CliRun } from '../support/run-cli.js';
import { sharedTempDir } from '../support/temp-dir.js';
import { launcherStderr } from '../support/launcher-stderr.js';

const ENGINE = 'unix:///var/run/docker.sock';
const shared = sharedTempDir('layerforge-it-docker-contexts-');
let work = '';
let config = '';
let dead = '';
let proxy: TlsProxy;

/** The real docker CLI, on the private config folder only. */
function docker(...args: string[]): string {
  return execFileSync('docker', args, {
    env: { ...process.env, DOCKER_CONFIG: config },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

beforeAll(async () => {
  requireDocker();
  work = shared.path;
  config = join(work, 'docker-config');
  dead = `unix://${join(work, 'no-engine.sock')}`;
  const certs = await makeCertificates(work);
  proxy = await startTlsProxy(certs);
  const pem = (name: string) => join(certs.clientDir, name);
  docker('context', 'create', 'real', '--docker', `host=${ENGINE}`);
  docker('context', 'create', 'nowhere', '--docker', `host=${dead}`);
  docker(
    'context',
    'create',
    'over-tls',
    '--docker',
    `host=tcp://127.0.0.1:${proxy.port},ca=${pem('ca.pem')},cert=${pem('cert.pem')},key=${pem('key.pem')}`,
  );
});

afterAll(async () => {
  await proxy?.close();
});

/** A cheap real engine call: reuses the debian12 images the suite built. */
function baseBuild(env: NodeJS.ProcessEnv, ...flags: string[]): Promise<CliRun> {
  return runLayerforge(['base', 'build', 'debian12', '--arch', 'x86_64', ...flags], {
    cwd: work,
    env: { PATH: process.env.PATH, HOME: work, DOCKER_CONFIG: config, ...env },
  });
}

function reachedEngine(run: CliRun): void {
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(/^debian12 x86_64: layerforge\/debian12-build:/m);
}

function missedEngine(run: CliRun, at: string): void {
  expect(run.code).toBe(1);
  expect(run.stderr).toContain(`error: cannot reach the Docker engine at ${at}`);
}

describe('flags beat the environment', () => {
  it('--docker-host wins over DOCKER_HOST', async () => {
    reachedEngine(await baseBuild({ DOCKER_HOST: dead }, '--docker-host', ENGINE));
    missedEngine(
      await baseBuild({ DOCKER_HOST: ENGINE }, '--docker-host', dead),
      `${dead} (from --docker-host)`,
    );
  });

  it('--context wins over DOCKER_HOST and DOCKER_CONTEXT', async () => {
    reachedEngine(await baseBuild({ DOCKER_HOST: dead, DOCKER_CONTEXT: 'nowhere' }, '--context', 'real'));
    missedEngine(
      await baseBuild({ DOCKER_HOST: ENGINE }, '--context', 'nowhere'),
      `${dead} (context "nowhere", from --context)`,
    );
  });

  it('--docker-host and --context together are bad usage (exit 2), as in the docker CLI', async () => {
    const run = await baseBuild({}, '--docker-host', ENGINE, '--context', 'real');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error: give --docker-host or --context, not both');
  });
});

// docker-modem reads the process's own environment, under whatever options it is given: only a
// separate process shows whether DOCKER_HOST still wins over the flag.
describe('as its own process (the built CLI in lib/)', () => {
  const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'layerforge.js');
  const cli = (env: NodeJS.ProcessEnv, ...args: string[]) => {
    if (!existsSync(join(dirname(bin), '..', 'lib', 'cli.js'))) {
      throw new Error('lib/ is not built: run `npm run build` first (`npm test` does)');
    }
    const run = spawnSync(process.execPath, [bin, 'base', 'build', 'debian12', '--arch', 'x86_64', ...args], {
      cwd: work,
      env: { PATH: process.env.PATH, HOME: work, DOCKER_CONFIG: config, ...env },
      encoding: 'utf8',
    });
    return { ...run, stderr: launcherStderr(run.stderr) };
  };

  it('--docker-host wins over DOCKER_HOST in the environment', () => {
    const run = cli({ DOCKER_HOST: 'tcp://127.0.0.1:9' }, '--docker-host', ENGINE);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('a malformed DOCKER_HOST does not matter when --docker-host is given, as in the docker CLI', () => {
    const run = cli({ DOCKER_HOST: 'tcp://a b' }, '--docker-host', ENGINE);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});

describe('contexts', () => {
  it('DOCKER_CONTEXT picks its endpoint; DOCKER_HOST beats it, as in the docker CLI', async () => {
    reachedEngine(await baseBuild({ DOCKER_CONTEXT: 'real' }));
    missedEngine(
      await baseBuild({ DOCKER_CONTEXT: 'nowhere' }),
      `${dead} (context "nowhere", from DOCKER_CONTEXT)`,
    );
    reachedEngine(await baseBuild({ DOCKER_HOST: ENGINE, DOCKER_CONTEXT: 'nowhere' }));
  });

  it('the current context in config.json is used when nothing else is set', async () => {
    docker('context', 'use', 'nowhere');
    missedEngine(await baseBuild({}), `${dead} (context "nowhere", the current context in config.json)`);
    docker('context', 'use', 'real');
    reachedEngine(await baseBuild({}));
    // DOCKER_CONTEXT beats the current context.
    missedEngine(await baseBuild({ DOCKER_CONTEXT: 'nowhere' }), dead);
    docker('context', 'use', 'default');
  });

  it('a context with TLS files talks TLS to its engine', async () => {
    const before = proxy.authorized;
    reachedEngine(await baseBuild({}, '--context', 'over-tls'));
    expect(proxy.authorized).toBeGreaterThan(before);
  });

  it('resolves the host the docker CLI resolves for every context it made', async () => {
    for (const name of ['real', 'nowhere', 'over-tls']) {
      const theirs = JSON.parse(docker('context', 'inspect', name)) as {
        Endpoints: { docker: { Host: string; SkipTLSVerify: boolean } };
      }[];
      const ours = await resolveDockerEndpoint({ env: { DOCKER_CONFIG: config }, home: work, context: name });
      expect(ours.host).toBe(theirs[0]?.Endpoints.docker.Host);
      expect(describeDockerEndpoint(ours).tls?.verify ?? true).toBe(
        !theirs[0]?.Endpoints.docker.SkipTLSVerify,
      );
    }
  });

  it('an unknown context is bad input (exit 2) that says how to list them', async () => {
    const run = await baseBuild({ DOCKER_CONTEXT: 'no-such-context' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `error: Docker context "no-such-context" (from DOCKER_CONTEXT) was not found in ${config}`,
    );
    expect(run.stderr).toMatch(/^hint: run `docker context ls`/m);
  });
});
