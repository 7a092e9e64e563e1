import { chmod, copyFile, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { DEFAULT_BASE, loadBaseImage } from '../base-images/definition.js';
import { resolveBase } from '../base-images/resolve.js';
import { languagePathEnvironment } from '../lambda/language-paths.js';
import { LAYERS_PER_FUNCTION_MAX } from '../lambda/quotas.js';
import { LAMBDA_ENVIRONMENT } from '../lambda/runtime-environment.js';
import { LAMBDA_SANDBOX } from '../lambda/sandbox.js';
import type { ContainerEngine } from '../engine/container-engine.js';
import { LABELS } from '../engine/container-engine.js';
import { removeLeftoverContainers } from '../engine/leftovers.js';
import { InterruptedError, JobFailedError, UserError, throwIfAborted } from '../errors.js';
import type { EnvStepIO, JobContext } from '../job-context.js';
import { getRuntime } from '../runtimes/catalog.js';
import { DRIVER_DIR, DRIVER_PATH, DRIVER_SCRIPT, FUNCTION_RELAY_SCRIPT, relayedCommand } from './driver.js';
import { findEmulator } from './emulator.js';
import { ensureInvokeImage } from './invoke-image.js';
import { resolveLayerZips } from './layer-inputs.js';
import { stageLayers } from './layers.js';
import { outputReader } from './output-reader.js';
import { checkHandler, runtimeCommand } from './runtime-command.js';
import type { InvokeOptions, InvokeResult } from './types.js';

function checkEvent(event: string): void {
  try {
    JSON.parse(event);
  } catch (error) {
    throw new UserError(
      `the event is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      {
        hint: 'Lambda only accepts JSON events; e.g. --event event.json with {"key": "value"}',
      },
    );
  }
}

async function checkFunctionDir(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory())
    throw new UserError(`function folder ${dir} does not exist`, {
      hint: 'give the folder that holds the handler',
    });
}

/**
 * Runs a function locally the way Lambda does, through AWS's Lambda Runtime Interface Emulator:
 * the runtime image with the language's runtime interface client, the layers extracted to /opt in
 * order, the code read-only at /var/task, a read-only root file system with a tmpfs /tmp, a
 * non-root user and no network. The event is sent `repeat` times to one container (a cold start,
 * then warm ones). Handler errors are results, not exceptions; an emulator or container that
 * fails is a JobFailedError.
 */
export async function invokeFunction(options: InvokeOptions, job: JobContext): Promise<InvokeResult> {
  const { sink, signal, env, cwd } = job;
  const runtime = getRuntime(options.runtime);
  const arch = options.arch ?? 'x86_64';
  const repeat = options.repeat ?? 1;
  if (!Number.isInteger(repeat) || repeat < 1)
    throw new UserError(`--repeat must be a whole number ≥ 1, got ${repeat}`);
  checkHandler(runtime, options.handler);
  checkEvent(options.event);
  const functionDir = resolve(cwd, options.functionDir);
  await checkFunctionDir(functionDir);
  if (options.layers.length > LAYERS_PER_FUNCTION_MAX) {
    sink({
      type: 'warning',
      code: 'too-many-layers',
      message: `${options.layers.length} layers: Lambda allows at most ${LAYERS_PER_FUNCTION_MAX} per function`,
    });
  }
  const emulator = await findEmulator({ rie: options.rie, env, cwd, arch });
  if (emulator.dynamic) {
    sink({
      type: 'warning',
      code: 'dynamic-emulator',
      message: `${emulator.path} is dynamically linked: it needs a libc like the host's in the runtime image; build it with CGO_ENABLED=0`,
    });
  }
  const baseName = options.base ?? env.LAYERFORGE_BASE ?? DEFAULT_BASE;
  const base = await resolveBase(await loadBaseImage(baseName, options.baseImagesDir), runtime, arch);
  if (base.standIn) {
    sink({
      type: 'warning',
      code: 'stand-in-base',
      message: `invoking on the ${base.name} stand-in (${base.os.name}), not ${runtime.os.name}`,
    });
  }
  const engine = await job.engine();
  await engine.ping(signal);
  await removeLeftoverContainers(engine);
  const zips = await resolveLayerZips(
    options.layers,
    {
      runtime: runtime.id,
      base,
      recipeDirs: options.recipeDirs,
      outDir: options.outDir,
      buildEnv: options.buildEnv,
      dockerNetwork: options.dockerNetwork,
    },
    // The engine already answered the ping: the builds use the same one.
    { ...job, engine: () => Promise.resolve(engine) },
  );
  const image = await ensureInvokeImage(base, runtime, engine, job);

  const work = await mkdtemp(join(tmpdir(), 'layerforge-invoke-'));
  try {
    // mkdtemp makes 0700 folders; the function's user must be able to enter them.
    await chmod(work, 0o755);
    const optDir = join(work, 'opt');
    const applied = await stageLayers(zips, optDir, signal);
    await chmod(optDir, 0o755);
    for (const [index, layer] of applied.entries()) {
      if (layer.replaced.length === 0) continue;
      const shown = layer.replaced.slice(0, 5).join(', ') + (layer.replaced.length > 5 ? ', …' : '');
      sink({
        type: 'info',
        message: `layer ${index + 1} (${basename(layer.zipPath)}) replaces ${layer.replaced.length} path(s) of earlier layers in /opt: ${shown}`,
      });
    }
    const driverDir = join(work, 'driver');
    await mkdir(driverDir, { mode: 0o755 });
    await chmod(driverDir, 0o755);
    await writeFile(join(driverDir, 'invoke.sh'), DRIVER_SCRIPT, { mode: 0o755 });
    await writeFile(join(driverDir, 'function.sh'), FUNCTION_RELAY_SCRIPT, { mode: 0o755 });
    await writeFile(join(driverDir, 'event.json'), options.event, { mode: 0o644 });
    await copyFile(emulator.path, join(driverDir, 'aws-lambda-rie'));
    await chmod(join(driverDir, 'aws-lambda-rie'), 0o755);
    const command = relayedCommand(
      await runtimeCommand(runtime, options.handler, functionDir, optDir),
      options.handler,
      runtime.family === 'provided',
    );
    throwIfAborted(signal);
    return await runInvocations(
      {
        image,
        command,
        functionDir,
        optDir,
        driverDir,
        repeat,
        zips,
        emulatorPath: emulator.path,
        platform: base.platform,
      },
      options,
      engine,
      job,
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

interface Prepared {
  image: string;
  command: string[];
  functionDir: string;
  optDir: string;
  driverDir: string;
  repeat: number;
  zips: string[];
  emulatorPath: string;
  platform: string;
}

async function runInvocations(
  prepared: Prepared,
  options: InvokeOptions,
  engine: ContainerEngine,
  job: EnvStepIO,
): Promise<InvokeResult> {
  const { sink, signal, env } = job;
  const runtime = getRuntime(options.runtime);
  const output = outputReader(sink);
  const timeoutEnv: Record<string, string> =
    options.timeoutSeconds === undefined
      ? {}
      : { AWS_LAMBDA_FUNCTION_TIMEOUT: String(options.timeoutSeconds) };
  const run = await engine.runContainer(
    {
      image: prepared.image,
      entrypoint: [DRIVER_PATH],
      command: [String(prepared.repeat), ...prepared.command],
      env: {
        ...LAMBDA_ENVIRONMENT,
        ...languagePathEnvironment(runtime),
        _HANDLER: options.handler,
        // Lambda sets both to the function's region; here the host's, as the AWS CLI finds it.
        AWS_REGION: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
        AWS_DEFAULT_REGION: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
        ...timeoutEnv,
      },
      mounts: [
        { hostPath: prepared.functionDir, containerPath: '/var/task', readOnly: true },
        { hostPath: prepared.optDir, containerPath: '/opt', readOnly: true },
        { hostPath: prepared.driverDir, containerPath: DRIVER_DIR, readOnly: true },
      ],
      labels: { [LABELS.purpose]: 'invoke' },
      ...LAMBDA_SANDBOX,
      network: options.network ? 'default' : 'none',
      platform: prepared.platform,
    },
    (line) => output.onLine(line),
    signal,
  );
  await engine.removeContainer(run.id);
  if (signal.aborted) throw new InterruptedError();
  const { invocations, emulatorExit } = output;
  if (invocations.length < prepared.repeat) {
    const why =
      emulatorExit !== undefined
        ? `the emulator exited with code ${emulatorExit} before it answered`
        : `the container exited with code ${run.exitCode} after ${invocations.length} of ${prepared.repeat} invocation(s)`;
    throw new JobFailedError(`invoke failed: ${why}`, {
      details: output.tail.slice(-25),
      hint:
        emulatorExit === 126 || emulatorExit === 127
          ? 'the emulator binary cannot run in this image: check it is static and built for the arch'
          : 'the lines above are the end of the container output',
    });
  }
  return { image: prepared.image, emulator: prepared.emulatorPath, layers: prepared.zips, invocations };
}
