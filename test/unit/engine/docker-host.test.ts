import { describe, expect, it } from 'vitest';
import { parseDockerHost } from '../../../src/core/engine/docker-host.js';
import { UserError } from '../../../src/core/errors.js';

describe('parseDockerHost', () => {
  it('reads the forms the docker CLI reads', () => {
    expect(parseDockerHost('unix:///run/podman/podman.sock', 'x', false)).toEqual({
      kind: 'unix',
      socketPath: '/run/podman/podman.sock',
    });
    expect(parseDockerHost('unix://', 'x', false)).toEqual({
      kind: 'unix',
      socketPath: '/var/run/docker.sock',
    });
    expect(parseDockerHost('/run/user/1000/docker.sock', 'x', false)).toEqual({
      kind: 'unix',
      socketPath: '/run/user/1000/docker.sock',
    });
    expect(parseDockerHost('tcp://10.0.0.5:2375', 'x', false)).toEqual({
      kind: 'tcp',
      hostname: '10.0.0.5',
      port: 2375,
      pathPrefix: '/',
    });
    expect(parseDockerHost('tcp://[::1]:2376/v', 'x', true)).toEqual({
      kind: 'tcp',
      hostname: '::1',
      port: 2376,
      pathPrefix: '/v',
    });
    expect(parseDockerHost('ssh://me@builder:2222', 'x', false)).toEqual({
      kind: 'ssh',
      hostname: 'builder',
      port: 2222,
      username: 'me',
    });
    expect(parseDockerHost('ssh://builder', 'x', false)).toEqual({ kind: 'ssh', hostname: 'builder' });
  });

  it('takes a bare host:port as tcp, and defaults the port to 2376 with TLS and 2375 without', () => {
    expect(parseDockerHost('10.0.0.5:1234', 'x', false)).toMatchObject({ kind: 'tcp', port: 1234 });
    expect(parseDockerHost('tcp://10.0.0.5', 'x', false)).toMatchObject({ port: 2375 });
    expect(parseDockerHost('tcp://10.0.0.5', 'x', true)).toMatchObject({ port: 2376 });
  });

  it('refuses a password in the URL without repeating it', () => {
    expect(() => parseDockerHost('ssh://me:s3cret@builder', 'DOCKER_HOST', false)).toThrow(
      'DOCKER_HOST is "ssh://me:***@builder", not a Docker host: a password in the URL is not supported; use an SSH agent or key',
    );
  });

  it.each([
    ['', 'it is empty'],
    ['tcp://a b', 'it is not a valid URL'],
    ['tcp://host:99999', 'it is not a valid URL'],
    ['tcp://host:2375?x=1', 'a query or fragment is not allowed'],
    ['http://host:2375', 'the scheme http:// is not one the docker CLI knows'],
    ['fd://', 'the scheme fd:// is not one the docker CLI knows'],
    ['ssh://builder/path', 'an ssh host takes no path'],
    ['tcp://user@host:2375', 'a tcp host takes no user name or password'],
  ])('refuses %j as bad input naming where it came from, with the forms as the hint', (value, why) => {
    let error: unknown;
    try {
      parseDockerHost(value, 'DOCKER_HOST', false);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(2);
    expect((error as UserError).message).toBe(`DOCKER_HOST is "${value}", not a Docker host: ${why}`);
    expect((error as UserError).hint).toMatch(/^use unix:\/\/\/path\/to\/docker\.sock, tcp:\/\/host:2375/);
  });
});
