import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResolvedBase } from '../base-images/resolve.js';
import type { ContainerEngine, ContainerSpec } from '../engine/container-engine.js';
import { LABELS } from '../engine/container-engine.js';
import type { StepIO } from '../job-context.js';
import { extractLayerZip } from '../layer/extract-zip.js';
import type { Recipe } from '../recipes/schema.js';
import { LAMBDA_ENVIRONMENT } from '../lambda/runtime-environment.js';
import { languagePathEnvironment } from '../lambda/language-paths.js';
import { LAMBDA_SANDBOX } from '../lambda/sandbox.js';
import type { LambdaRuntime } from '../runtimes/catalog.js';
import { importHint } from './import-hints.js';
import { importCommand, importNames, parseImportLine } from './import-tests.js';

export interface SmokeTestResult {
  name: string;
  command: string;
  ok: boolean;
  output: string;
}

/** A smoke-test container: the runtime image in Lambda's sandbox, `optDir` read-only at /opt, no network. */
function sandboxed(
  optDir: string,
  runtime: LambdaRuntime,
  base: ResolvedBase,
  entrypoint: string[],
  command: string[],
): ContainerSpec {
  return {
    image: base.runtimeImage,
    entrypoint,
    command,
    env: { ...LAMBDA_ENVIRONMENT, ...languagePathEnvironment(runtime) },
    mounts: [{ hostPath: optDir, containerPath: '/opt', readOnly: true }],
    labels: { [LABELS.purpose]: 'smoke-test' },
    ...LAMBDA_SANDBOX,
    network: 'none',
    platform: base.platform,
  };
}

/**
 * The tests derived from the layer's metadata (`checkImports`): one container imports every
 * top-level module (or requires every direct npm dependency), each in a fresh interpreter, under
 * the same conditions as the recipe's tests; one result per name, with a hint when one is known.
 */
async function runImportTests(
  optDir: string,
  recipe: Recipe,
  runtime: LambdaRuntime,
  base: ResolvedBase,
  engine: ContainerEngine,
  io: StepIO,
): Promise<SmokeTestResult[]> {
  const names = await importNames(recipe, runtime, optDir);
  const command = importCommand(runtime, names);
  if (!command) return [];
  const seen = new Map<string, { ok: boolean; error: string }>();
  const output: string[] = [];
  const run = await engine.runContainer(
    sandboxed(optDir, runtime, base, command.slice(0, 1), command.slice(1)),
    (line) => {
      const parsed = parseImportLine(line);
      if (parsed) seen.set(parsed.name, parsed);
      else output.push(line);
      io.sink({ type: 'build.log', source: 'smoke-test', line });
    },
    io.signal,
  );
  await engine.removeContainer(run.id);
  const verb = runtime.family === 'nodejs' ? 'require' : 'import';
  return names.map((name) => {
    const result = seen.get(name);
    const error =
      result?.error ??
      `the importer stopped (exit code ${run.exitCode}) before ${name}: ${output.slice(-3).join(' ')}`;
    const ok = result?.ok === true;
    const hint = ok ? undefined : importHint(name, error);
    const command = runtime.family === 'nodejs' ? `require('${name}')` : `import ${name}`;
    const text = ok ? '' : [error, ...(hint ? [`hint: ${hint}`] : [])].join('\n');
    io.sink({ type: 'test.result', command, ok, output: text });
    return { name: `${verb} ${name}`, command, ok, output: text };
  });
}

/**
 * Runs the recipe's smoke tests the way Lambda runs a function: the runtime image, the zip
 * extracted and mounted read-only at /opt, a read-only root file system with a tmpfs /tmp,
 * a non-root user, Lambda's PATH and LD_LIBRARY_PATH, and no network.
 */
export async function runSmokeTests(
  zipPath: string,
  recipe: Recipe,
  runtime: LambdaRuntime,
  base: ResolvedBase,
  engine: ContainerEngine,
  io: StepIO,
): Promise<SmokeTestResult[]> {
  const layerDir = await mkdtemp(join(tmpdir(), 'layerforge-test-'));
  try {
    await extractLayerZip(zipPath, join(layerDir, 'opt'), io.signal);
    // mkdtemp makes 0700 folders; the function's user must be able to enter /opt.
    await chmod(layerDir, 0o755);
    await chmod(join(layerDir, 'opt'), 0o755);
    return await runSmokeTestsOnTree(join(layerDir, 'opt'), recipe, runtime, base, engine, io);
  } finally {
    await rm(layerDir, { recursive: true, force: true });
  }
}

/**
 * The smoke tests on a layer tree already laid out as Lambda extracts the zip (modes
 * world-readable, as `normaliseMode` gives them): `optDir` is mounted read-only at /opt, and the
 * tests run as `runSmokeTests` runs them. The prune step's checks use it on the staged tree.
 */
export async function runSmokeTestsOnTree(
  optDir: string,
  recipe: Recipe,
  runtime: LambdaRuntime,
  base: ResolvedBase,
  engine: ContainerEngine,
  io: StepIO,
): Promise<SmokeTestResult[]> {
  const results: SmokeTestResult[] = [];
  for (const [index, test] of recipe.tests.entries()) {
    const output: string[] = [];
    const run = await engine.runContainer(
      sandboxed(optDir, runtime, base, ['/bin/sh', '-c'], [test.run]),
      (line) => {
        output.push(line);
        io.sink({ type: 'build.log', source: 'smoke-test', line });
      },
      io.signal,
    );
    await engine.removeContainer(run.id);
    const text = output.join('\n');
    const matched = test.expect === undefined || new RegExp(test.expect, 'm').test(text);
    const ok = run.exitCode === 0 && matched;
    const detail =
      run.exitCode !== 0
        ? `exit code ${run.exitCode}`
        : matched
          ? ''
          : `output did not match /${test.expect ?? ''}/`;
    const result = {
      name: test.name ?? `test ${index + 1}`,
      command: test.run,
      ok,
      output: detail ? `${detail}\n${text}` : text,
    };
    io.sink({ type: 'test.result', command: test.run, ok, output: result.output });
    results.push(result);
  }
  results.push(...(await runImportTests(optDir, recipe, runtime, base, engine, io)));
  return results;
}
