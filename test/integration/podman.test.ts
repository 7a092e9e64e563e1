// Podman's Docker-compatible API, as a user reaches it with DOCKER_HOST=unix:///run/podman/podman.sock:
// a private `podman system service` (Debian's podman, its own storage) on a socket in a temp
// folder. layerforge's engine pings it, builds an image from scratch, runs a container the way a
// smoke test does (read-only root, tmpfs /tmp, Lambda's user, the layer read-only at /opt, no
// network) and reads a file out of a created container, as a build's extraction does.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBaseImage } from '../../src/core/base-images/definition.js';
import { resolveBase } from '../../src/core/base-images/resolve.js';
import type { ContainerEngine } from '../../src/core/engine/container-engine.js';
import { createJobContext } from '../../src/core/job-context.js';
import { LAMBDA_USER } from '../../src/core/lambda/sandbox.js';
import { getRuntime } from '../../src/core/runtimes/catalog.js';
import { requireDocker } from '../support/docker.js';
import { startPodman, type TestPodman } from '../support/podman.js';
import { runLayerforge } from '../support/run-cli.js';
import { sharedTempDir } from '../support/temp-dir.js';

const shared = sharedTempDir('layerforge-it-podman-');
let podman: TestPodman;
let engine: ContainerEngine;
const tag = `localhost/layerforge-podman-test:${process.pid}`;
const label = { 'layerforge.test': `podman-${process.pid}` };

/**
 * A build context for an image with only the host's /bin/sh, /bin/cat and /bin/echo and the
 * libraries they load: no registry is reachable, so the image is made from scratch.
 */
function tinyImageContext(): Readable {
  const pack = tar.pack();
  const files = new Set<string>();
  for (const program of ['/bin/sh', '/bin/cat', '/bin/echo']) {
    files.add(program);
    const ldd = execFileSync('ldd', [program], { encoding: 'utf8' });
    for (const match of ldd.matchAll(/(\/\S+)/g)) if (match[1]) files.add(match[1]);
  }
  pack.entry({ name: 'Dockerfile', mode: 0o644 }, 'FROM scratch\nCOPY rootfs/ /\n');
  for (const file of [...files].sort()) {
    pack.entry({ name: `rootfs${file}`, mode: 0o755 }, readFileSync(file));
  }
  pack.finalize();
  return pack as unknown as Readable;
}

beforeAll(async () => {
  requireDocker();
  podman = await startPodman(join(shared.path, 'podman'));
  const job = createJobContext({
    cwd: shared.path,
    env: { HOME: shared.path, DOCKER_HOST: podman.host },
  });
  engine = await job.engine();
});

afterAll(async () => {
  await podman?.stop();
});

describe("podman's Docker-compatible API", () => {
  it('answers layerforge as DOCKER_HOST', async () => {
    expect(engine.endpoint).toBe(podman.host);
    await engine.ping();
  });

  it('builds an image from a build context', async () => {
    const lines: string[] = [];
    const id = await engine.buildImage(tinyImageContext(), { tag, labels: label }, (line) =>
      lines.push(line),
    );
    expect(id).toMatch(/^(sha256:)?[0-9a-f]{12,64}$/);
    expect(await engine.imageId(tag)).toBeDefined();
  });

  it("runs a container in Lambda's sandbox shape with a read-only /opt, and streams its output", async () => {
    const opt = join(shared.path, 'opt');
    await mkdir(opt, { recursive: true });
    await writeFile(join(opt, 'hello.txt'), 'hello from the layer\n');
    const lines: string[] = [];
    const run = await engine.runContainer(
      {
        image: tag,
        command: ['/bin/sh', '-c', 'cat /opt/hello.txt && echo written > /tmp/x && cat /tmp/x'],
        env: { LAMBDA_TASK_ROOT: '/var/task' },
        labels: label,
        user: LAMBDA_USER,
        readOnlyRootFs: true,
        tmpfs: { '/tmp': 'rw,size=16m' },
        mounts: [{ hostPath: opt, containerPath: '/opt', readOnly: true }],
        network: 'none',
      },
      (line) => lines.push(line),
    );
    expect(lines).toEqual(['hello from the layer', 'written']);
    expect(run.exitCode).toBe(0);
    await engine.removeContainer(run.id);
    expect(await engine.listContainers(label)).toEqual([]);
  });

  it("layerforge audit --os debian12 reads the stand-in runtime image's libraries from podman", async () => {
    // The image goes in as a user without a registry would move it: `docker save`, loaded
    // through layerforge's engine (the API's image load).
    const image = (await resolveBase(await loadBaseImage('debian12'), getRuntime('python3.11'), 'x86_64'))
      .runtimeImage;
    const save = spawn('docker', ['save', image], { stdio: ['ignore', 'pipe', 'inherit'] });
    await engine.loadImage(save.stdout);
    expect(await engine.imageId(image)).toBeDefined();
    const layer = join(shared.path, 'layer');
    await mkdir(join(layer, 'bin'), { recursive: true });
    await copyFile('/bin/echo', join(layer, 'bin', 'echo'));
    const cache = join(shared.path, 'cache');
    const run = await runLayerforge(
      [
        'audit',
        layer,
        '--runtime',
        'provided.al2023',
        '--os',
        'debian12',
        '--docker-host',
        podman.host,
        '--json',
      ],
      { cwd: shared.path, env: { HOME: shared.path, LAYERFORGE_CACHE_DIR: cache } },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const parsed = JSON.parse(run.stdout) as { findings: { code: string }[]; summary: { target: unknown } };
    // libc.so.6, which echo needs, was found in the image: the one finding says it is a stand-in.
    expect(parsed.findings.map((f) => f.code)).toEqual(['stand-in-base']);
    expect(parsed.summary.target).toMatchObject({ os: { id: 'debian12' } });
    expect(await readdir(join(cache, 'runtime-libraries'))).toHaveLength(1);
  }, 300_000);

  it('reads a file out of a created container, as a build extracts /opt', async () => {
    const id = await engine.createContainer({ image: tag, command: ['/bin/echo'], env: {}, labels: label });
    try {
      const archive = await engine.copyFrom(id, '/bin/echo');
      const names: string[] = [];
      const extract = tar.extract();
      extract.on('entry', (header, stream, next) => {
        names.push(header.name);
        stream.on('end', next).resume();
      });
      await new Promise<void>((resolve, reject) => {
        extract.on('finish', resolve).on('error', reject);
        archive.pipe(extract as unknown as NodeJS.WritableStream);
      });
      expect(names).toEqual(['echo']);
    } finally {
      await engine.removeContainer(id);
    }
  });
});
