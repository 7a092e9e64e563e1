import type { ResolvedBase } from '../base-images/resolve.js';
import type { ContainerEngine, Mount } from '../engine/container-engine.js';
import { LABELS } from '../engine/container-engine.js';

/** Runs a shell script in the build image with the staged layer mounted read-write at /opt. */
export type BuildImageRunner = (
  script: string,
  options: { purpose: string; env?: Record<string, string>; mounts?: Mount[]; signal?: AbortSignal },
) => Promise<{ exitCode: number; output: string[] }>;

/**
 * The BuildImageRunner for one build: the build image's own tools (binutils' strip for the
 * target arch, the target's Python) work on the layer, so the host needs neither, and an arm64
 * layer is handled by arm64 tools. No network; the host's uid when it is not root, so the files
 * the tools rewrite stay the host user's.
 */
export function buildImageRunner(
  staging: string,
  base: ResolvedBase,
  engine: ContainerEngine,
): BuildImageRunner {
  return async (script, options) => {
    const output: string[] = [];
    const uid = process.getuid?.();
    const gid = process.getgid?.();
    const run = await engine.runContainer(
      {
        image: base.buildImage,
        entrypoint: ['/bin/sh', '-c'],
        command: [script],
        env: { LANG: 'C.UTF-8', ...options.env },
        mounts: [{ hostPath: staging, containerPath: '/opt', readOnly: false }, ...(options.mounts ?? [])],
        labels: { [LABELS.purpose]: options.purpose },
        network: 'none',
        workingDir: '/',
        platform: base.platform,
        ...(uid !== undefined && uid !== 0 && gid !== undefined ? { user: `${uid}:${gid}` } : {}),
      },
      (line) => output.push(line),
      options.signal,
    );
    await engine.removeContainer(run.id);
    return { exitCode: run.exitCode, output };
  };
}
