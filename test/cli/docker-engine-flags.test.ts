import { beforeAll, describe, expect, it } from 'vitest';
import { sharedTempDir } from '../support/temp-dir.js';
import { runLayerforge } from './cli-harness.js';

// How the engine is chosen from the command line, before any engine is reached: every case here
// fails at resolution, so no Docker engine is needed.
const shared = sharedTempDir('layerforge-cli-docker-');
let cwd = '';

beforeAll(() => {
  cwd = shared.path;
});

const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runLayerforge(args, { cwd, env: { HOME: cwd, ...env } });

const HINT =
  'hint: use unix:///path/to/docker.sock, tcp://host:2375 (or tcp://host:2376 with DOCKER_TLS_VERIFY=1) or ssh://user@host\n';

describe('a malformed Docker host is bad input (exit 2) with a hint, not an internal error', () => {
  it.each([
    [
      ['base', 'build', 'debian12'],
      { DOCKER_HOST: 'tcp://a b' },
      'DOCKER_HOST is "tcp://a b", not a Docker host: it is not a valid URL',
    ],
    [
      ['build', 'hello', '--base', 'debian12'],
      { DOCKER_HOST: 'tcp://[::1' },
      'DOCKER_HOST is "tcp://[::1", not a Docker host: it is not a valid URL',
    ],
    [
      ['base', 'build', 'debian12', '--docker-host', 'http://127.0.0.1:2375'],
      {},
      '--docker-host is "http://127.0.0.1:2375", not a Docker host: the scheme http:// is not one the docker CLI knows',
    ],
  ])('%j with %j', async (args, env, message) => {
    const result = await run(args, env);
    // A build prints its resolve step first; the error and its hint end the output.
    const expected = `error: ${message}\n${HINT}`;
    expect(result.stderr.slice(-expected.length)).toBe(expected);
    expect(result.stderr).not.toContain('internal error');
    expect(result.code).toBe(2);
  });

  it('a build matrix checks every --docker-host it spreads over', async () => {
    const result = await run([
      'build',
      'hello',
      '--base',
      'debian12',
      '--docker-host',
      'unix:///nonexistent/docker.sock',
      '--docker-host',
      'foo://x',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: --docker-host is "foo://x", not a Docker host');
  });
});

describe('--context', () => {
  it('is offered by every command that runs containers', async () => {
    for (const command of [
      ['build'],
      ['test'],
      ['publish'],
      ['pick'],
      ['invoke'],
      ['base', 'build'],
      ['audit'],
    ]) {
      const help = await run([...command, '--help']);
      expect(help.code, command.join(' ')).toBe(0);
      expect(help.stdout, command.join(' ')).toMatch(/--context <name>/);
      expect(help.stdout, command.join(' ')).toMatch(/--docker-host <url>/);
    }
  });

  it('an unknown context is bad input that says how to list them', async () => {
    const result = await run(['base', 'build', 'debian12', '--context', 'nope']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^error: Docker context "nope" \(from --context\) was not found in .*\.docker\nhint: run `docker context ls`/,
    );
  });

  it('with --docker-host is bad usage, as in the docker CLI', async () => {
    const result = await run([
      'base',
      'build',
      'debian12',
      '--context',
      'x',
      '--docker-host',
      'unix:///x.sock',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: give --docker-host or --context, not both');
  });
});

describe('--docker-host arch=url', () => {
  it.each([
    [['--docker-host', 'ppc64le=unix:///nonexistent/docker.sock'], 'declares the architecture "ppc64le"'],
    [
      ['--docker-host', 'x86_64=unix:///nonexistent/docker.sock', '--docker-host', 'arm64='],
      'declares arm64 but gives no engine URL',
    ],
  ])('%j is bad input (exit 2) with a hint, before any engine is asked', async (hosts, message) => {
    const result = await run(['build', 'hello', '--base', 'debian12', '--arch', 'x86_64,arm64', ...hosts]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toMatch(/hint: .*arm64=ssh:\/\/graviton/);
  });
});
