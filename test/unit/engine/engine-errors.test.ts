import { describe, expect, it } from 'vitest';
import type { DockerEndpoint } from '../../../src/core/engine/docker-endpoint.js';
import { engineFailure } from '../../../src/core/engine/engine-errors.js';

const podman: DockerEndpoint = {
  host: 'unix:///run/podman/podman.sock',
  source: 'DOCKER_HOST',
  transport: { kind: 'unix', socketPath: '/run/podman/podman.sock' },
};

describe('engineFailure', () => {
  it("names catatonit when podman has no init binary (its answer, as Debian's podman 4.3 gives it)", () => {
    const answer = Object.assign(
      new Error(
        '(HTTP code 500) server error - container create: container-init binary not found on the host: stat /usr/libexec/podman/catatonit: no such file or directory ',
      ),
      { statusCode: 500 },
    );
    const failure = engineFailure(answer, podman);
    expect(failure?.message).toBe(
      'the engine at unix:///run/podman/podman.sock (from DOCKER_HOST) has no init binary for containers started with --init',
    );
    expect(failure?.hint).toMatch(/apt-get install catatonit/);
    expect(failure?.exitCode).toBe(1);
  });

  it("leaves the engine's answers to a call alone", () => {
    expect(
      engineFailure(Object.assign(new Error('no such image'), { statusCode: 404 }), podman),
    ).toBeUndefined();
  });

  it('a refused socket is an engine that cannot be reached', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(engineFailure(refused, podman)?.message).toBe(
      'cannot reach the Docker engine at unix:///run/podman/podman.sock (from DOCKER_HOST)',
    );
  });
});
