import type { ContainerEngine, ImageInfo } from '../engine/container-engine.js';
import { InterruptedError, JobFailedError, UserError, isAbortError } from '../errors.js';
import type { StepIO } from '../job-context.js';
import { architectureInfo, type Architecture } from '../runtimes/catalog.js';

/** When to pull a registry image, as `docker run --pull` says it. */
export const PULL_POLICIES = ['missing', 'always', 'never'] as const;
export type PullPolicy = (typeof PULL_POLICIES)[number];

/** An image a build used, as the manifest records it. */
export interface ImageRecord {
  reference: string;
  /** The engine's image id: sha256 of its config, which names its arch and layers. */
  id: string;
  arch: Architecture;
  /** `repository@sha256:...` when the image came from a registry. */
  digest?: string;
  /** When the image was built (RFC 3339). */
  created?: string;
}

/** AWS rebuilds its Lambda images about weekly; a local copy older than this is worth a warning. */
const STALE_AFTER_DAYS = 30;

interface PresenceIO extends StepIO {
  /** What to suggest when a pull fails. */
  pullHint: string;
}

/**
 * Makes a registry image present as `policy` says, then checks it is for `arch`: a multi-arch
 * tag pulled earlier for the other arch, or a wrong image under a per-arch tag, is refused.
 */
export async function ensureRegistryImage(
  reference: string,
  arch: Architecture,
  policy: PullPolicy,
  engine: ContainerEngine,
  io: PresenceIO,
  /** The engine's answer for `reference`, when the caller asked already. */
  inspected?: Promise<ImageInfo | undefined>,
): Promise<ImageRecord> {
  const found = await (inspected ?? engine.inspectImage(reference));
  const present = found !== undefined;
  if (!present && policy === 'never') {
    throw new UserError(`${reference} is not in the Docker engine, and --pull never forbids pulling it`, {
      hint: 'pull it first, or use --pull missing',
    });
  }
  const pulled = !present || policy === 'always';
  if (pulled) await pull(reference, arch, engine, io);
  // What the engine said before a pull is stale after it; without one, it is the answer.
  const record = checkedRecord(reference, arch, pulled ? await engine.inspectImage(reference) : found);
  const days = ageInDays(record.created);
  if (policy !== 'always' && days !== undefined && days > STALE_AFTER_DAYS) {
    io.sink({
      type: 'warning',
      code: 'stale-image',
      message: `${reference} was built ${days} days ago; AWS updates its images often: --pull always refreshes it`,
    });
  }
  return record;
}

/** The image's record, after checking it is for `arch`; an error names both arches. */
export async function verifiedImage(
  reference: string,
  arch: Architecture,
  engine: ContainerEngine,
): Promise<ImageRecord> {
  return checkedRecord(reference, arch, await engine.inspectImage(reference));
}

/** The record of an image the engine described as `info` (undefined: absent), checked for `arch`. */
export function checkedRecord(
  reference: string,
  arch: Architecture,
  info: ImageInfo | undefined,
): ImageRecord {
  if (!info) throw new JobFailedError(`${reference} is not in the Docker engine`);
  const expected = dockerArch(arch);
  if (info.architecture !== expected) {
    throw new JobFailedError(
      `${reference} is an image for ${archName(info.architecture)}, but the build is for ${arch} (${expected})`,
      {
        hint: `remove it (\`docker rmi ${reference}\`) so the ${arch} image is pulled, or pass --pull always`,
      },
    );
  }
  const digest =
    info.repoDigests.find((d) => d.startsWith(`${repository(reference)}@`)) ?? info.repoDigests[0];
  return {
    reference,
    id: info.id,
    arch,
    ...(digest ? { digest } : {}),
    ...(info.created ? { created: info.created } : {}),
  };
}

async function pull(
  reference: string,
  arch: Architecture,
  engine: ContainerEngine,
  io: PresenceIO,
): Promise<void> {
  const platform = architectureInfo(arch).dockerPlatform;
  const log = (line: string) => io.sink({ type: 'build.log', source: 'base-image', line });
  log(`pulling ${reference} (${platform})`);
  try {
    await engine.pullImage(reference, platform, log, io.signal);
  } catch (error) {
    if (isAbortError(error) || io.signal.aborted) throw new InterruptedError();
    const first = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    throw new JobFailedError(`cannot pull ${reference}: ${first}`, { cause: error, hint: io.pullHint });
  }
}

/** Docker's name for an arch: `amd64` for x86_64. */
export function dockerArch(arch: Architecture): string {
  return architectureInfo(arch).dockerPlatform.split('/')[1] ?? arch;
}

/** Lambda's name for a Docker arch where there is one: an amd64 image is "x86_64 (amd64)". */
function archName(docker: string): string {
  if (docker === 'amd64') return 'x86_64 (amd64)';
  return docker;
}

/** `public.ecr.aws/lambda/python` of `public.ecr.aws/lambda/python:3.12-arm64`. */
function repository(reference: string): string {
  return reference.replace(/@.*$/, '').replace(/:[^/:]*$/, '');
}

function ageInDays(created: string | undefined, now = Date.now()): number | undefined {
  if (!created) return undefined;
  const time = Date.parse(created);
  if (Number.isNaN(time)) return undefined;
  return Math.floor((now - time) / 86_400_000);
}
