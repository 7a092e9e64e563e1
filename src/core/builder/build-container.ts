import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { InterruptedError, JobFailedError } from '../errors.js';
import type { ContainerEngine } from '../engine/container-engine.js';
import { LABELS } from '../engine/container-engine.js';
import type { EnvStepIO, JobContext } from '../job-context.js';
import { containerProxyEnv, proxySettingsFrom } from '../net/proxy.js';
import { dataDir } from '../paths.js';
import { caBundleForContainer } from './ca-bundle.js';
import { buildEnvironment, buildPlan } from './plan.js';
import type { BuildTarget } from './resolve-target.js';

const LOG_TAIL_LINES = 50;

/**
 * Runs the recipe's steps in a labelled build container, then hands the stopped container to
 * `afterRun` (which extracts /opt) before removing it. The recipe folder is mounted read-only at
 * /recipe, the verified sources at /sources, and layerforge's own scripts at /layerforge.
 * The container gets the job's proxy variables and the user's build env; every line of its
 * output is redacted before it reaches the log at `logPath`, an event or an error.
 */
export async function runBuildContainer(
  target: BuildTarget,
  engine: ContainerEngine,
  dirs: { job: string; sources: string; logPath: string },
  runtimeLibraries: string[],
  io: EnvStepIO &
    Pick<JobContext, 'redactor'> & {
      /** `--build-env` and `buildEnv`: given last, so they win over the proxy variables. */
      buildEnv: Record<string, string>;
      /** The Docker network to join; default the engine's. */
      network?: string;
    },
  afterRun: (containerId: string) => Promise<void>,
): Promise<void> {
  await mkdir(dirs.job, { recursive: true });
  await writeFile(join(dirs.job, 'plan.sh'), buildPlan(target.loaded.recipe, target.runtime, target.base));
  await writeFile(join(dirs.job, 'runtime-libraries.txt'), runtimeLibraries.join('\n') + '\n');
  await copyFile(join(dataDir, 'container', 'export-closure.sh'), join(dirs.job, 'export-closure.sh'));

  const log = createWriteStream(dirs.logPath);
  const tail: string[] = [];
  const onLine = (raw: string) => {
    const line = io.redactor.redact(raw);
    log.write(line + '\n');
    tail.push(line);
    if (tail.length > LOG_TAIL_LINES) tail.shift();
    io.sink({ type: 'build.log', source: 'container', line });
  };
  let containerId: string | undefined;
  const ca = caBundleForContainer(io.env);
  try {
    const run = await engine.runContainer(
      {
        image: target.base.buildImage,
        entrypoint: ['/bin/sh'],
        command: ['/layerforge/plan.sh'],
        env: {
          ...buildEnvironment(target.runtime, target.base, availableParallelism()),
          ...containerProxyEnv(proxySettingsFrom(io.env)),
          ...ca.env,
          ...io.buildEnv,
        },
        mounts: [
          { hostPath: target.loaded.dir, containerPath: '/recipe', readOnly: true },
          { hostPath: dirs.sources, containerPath: '/sources', readOnly: true },
          { hostPath: dirs.job, containerPath: '/layerforge', readOnly: true },
          ...ca.mounts,
        ],
        labels: { [LABELS.purpose]: 'build' },
        platform: target.base.platform,
        workingDir: '/tmp',
        ...(io.network ? { network: io.network } : {}),
      },
      onLine,
      io.signal,
    );
    containerId = run.id;
    if (run.exitCode !== 0) {
      throw new JobFailedError(
        `the build of ${target.loaded.recipe.name} failed in the container (exit code ${run.exitCode})`,
        {
          details: [`last ${tail.length} lines of the build log:`, ...tail.map((l) => `│ ${l}`)],
          hint: `full log: ${dirs.logPath}`,
        },
      );
    }
    if (io.signal.aborted) throw new InterruptedError();
    await afterRun(run.id);
  } finally {
    await new Promise<void>((resolve) => log.end(resolve));
    if (containerId) await engine.removeContainer(containerId);
  }
}
