import { listLayerforgeImages } from '../cache/images.js';
import { LABELS, type ContainerEngine, type EngineVersion } from '../engine/container-engine.js';
import { InterruptedError, UserError } from '../errors.js';
import { aarch64Support } from './check-arm64-host.js';
import type { DoctorCheck, HostFacts } from './types.js';

/** How long a silent engine gets before doctor reports it unreachable (a tcp:// host may never answer). */
const ENGINE_TIMEOUT_MS = 10_000;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Asks the engine for its versions; a timeout is a failed check, the user's Ctrl-C an interruption. */
export async function checkEngine(
  engine: ContainerEngine,
  signal: AbortSignal,
): Promise<{ check: DoctorCheck; version?: EngineVersion }> {
  const timeout = AbortSignal.timeout(ENGINE_TIMEOUT_MS);
  try {
    const version = await engine.version(AbortSignal.any([signal, timeout]));
    return {
      version,
      check: {
        id: 'engine',
        where: 'engine',
        status: 'ok',
        summary: `Docker ${version.version}, API ${version.apiVersion}, ${version.os}/${version.arch} at ${engine.endpoint}`,
        ...(version.kernelVersion ? { details: [`kernel ${version.kernelVersion}`] } : {}),
      },
    };
  } catch (error) {
    if (signal.aborted) throw new InterruptedError();
    const hint =
      (error instanceof UserError ? error.hint : undefined) ??
      'start it (e.g. `sudo systemctl start docker`), or point DOCKER_HOST / --docker-host at one';
    return {
      check: {
        id: 'engine',
        where: 'engine',
        status: 'fail',
        summary: timeout.aborted
          ? `the Docker engine at ${engine.endpoint} did not answer within ${ENGINE_TIMEOUT_MS / 1000} s`
          : message(error),
        hint,
      },
    };
  }
}

/** An arm64 image the engine has, to run: a layerforge runtime image first (the smallest). */
async function arm64Image(engine: ContainerEngine): Promise<string | undefined> {
  const images = (await listLayerforgeImages(engine)).filter((i) => i.arch === 'arm64' && i.tags[0]);
  const ranked = [...images].sort(
    (a, b) => Number(b.kind === 'runtime') - Number(a.kind === 'runtime') || a.bytes - b.bytes,
  );
  for (const image of ranked) {
    const tag = image.tags[0];
    if (tag && (await engine.inspectImage(tag))?.architecture === 'arm64') return tag;
  }
  return undefined;
}

const ENGINE_HINT =
  "on the engine's machine, install QEMU's user emulation and register qemu-aarch64 with the F flag (Debian: `sudo apt-get install qemu-user-static`)";

/**
 * Whether the engine runs arm64 containers. The strongest evidence is one that ran: `uname -m`
 * in an arm64 image the engine already has. Without such an image, this machine's registration
 * counts only when the engine shares its kernel; a remote engine is then not checked.
 */
export async function checkArm64Engine(
  engine: ContainerEngine,
  version: EngineVersion | undefined,
  host: HostFacts,
  signal: AbortSignal,
): Promise<DoctorCheck> {
  const check = { id: 'arm64-engine', where: 'engine' } as const;
  if (!version) return { ...check, status: 'warn', summary: 'not checked: the engine did not answer' };
  if (version.arch === 'arm64')
    return { ...check, status: 'ok', summary: 'the engine runs on arm64: no emulation needed' };
  const image = await arm64Image(engine);
  if (image) {
    const lines: string[] = [];
    let containerId: string | undefined;
    try {
      const run = await engine.runContainer(
        {
          image,
          entrypoint: ['uname'],
          command: ['-m'],
          env: {},
          network: 'none',
          platform: 'linux/arm64',
          labels: { [LABELS.purpose]: 'doctor' },
        },
        (line) => lines.push(line),
        signal,
      );
      containerId = run.id;
      const output = lines.join('\n').trim();
      if (run.exitCode === 0 && output === 'aarch64') {
        return { ...check, status: 'ok', summary: `ran \`uname -m\` in ${image}: aarch64` };
      }
      return {
        ...check,
        status: 'fail',
        summary: `an arm64 container (${image}) failed: exit ${run.exitCode}${output ? `, ${output}` : ''}`,
        hint: ENGINE_HINT,
      };
    } catch (error) {
      if (signal.aborted) throw new InterruptedError();
      return {
        ...check,
        status: 'fail',
        summary: `an arm64 container (${image}) could not run: ${message(error)}`,
        hint: ENGINE_HINT,
      };
    } finally {
      if (containerId) await engine.removeContainer(containerId);
    }
  }
  const sharesKernel = host.platform === 'linux' && version.kernelVersion === host.kernelRelease;
  if (!sharesKernel) {
    return {
      ...check,
      status: 'warn',
      summary: `not checked: the engine has no arm64 image to run, and it runs on another kernel (${version.kernelVersion ?? 'unknown'}) than this machine's`,
      hint: "build one (`layerforge base build debian12 --arch arm64`) and run doctor again, or check /proc/sys/fs/binfmt_misc on the engine's machine",
    };
  }
  const support = await aarch64Support(host);
  return support.ok
    ? {
        ...check,
        status: 'ok',
        summary: `no arm64 image to run; the engine shares this machine's kernel, where ${support.summary}`,
      }
    : {
        ...check,
        status: 'warn',
        summary: `the engine shares this machine's kernel, where ${support.summary}`,
        hint: support.hint,
      };
}
