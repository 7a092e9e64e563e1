// Mutation fuzzing of everything layerforge reads from users: recipes, the config file and
// layer zips. Seeded, so a failure reproduces: LAYERFORGE_FUZZ_SEED picks another seed, and
// each failing input is kept on disk for a rerun by hand. Every case must end with exit 0, 1
// or 2, print no stack trace and no raw terminal escape, and stay under 10 s and 300 MB.
import { fork } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharedTempDir, tempDir } from '../support/temp-dir.js';
import { mutateText } from './mutate-recipe.js';
import { mutateZip } from './mutate-zip.js';
import type { FuzzCase, FuzzResult, WorkerMessage } from './protocol.js';
import { Random } from './random.js';
import { CONFIG_SEED, prepareRecipeFolder, recipeSeeds, zipSeeds } from './seeds.js';

const REPO = resolve(import.meta.dirname, '../..');
const SEED = Number(process.env.LAYERFORGE_FUZZ_SEED ?? 20261201);
const RECIPE_CASES = 1000;
const CONFIG_CASES = 100;
const ZIP_CASES = 200;
const CASE_TIME_LIMIT_MS = 10_000;
const RSS_LIMIT_MB = 300;

const shared = sharedTempDir('layerforge-fuzz-');
let work: string;
beforeAll(async () => {
  work = shared.path;
});

function isolatedEnv(): NodeJS.ProcessEnv {
  // No engine is reachable: a mutated recipe that still validates fails fast at the engine
  // (loopback, nothing listens) instead of starting a real build.
  return {
    PATH: process.env.PATH,
    HOME: join(work, 'home'),
    XDG_CACHE_HOME: join(work, 'cache'),
    TMPDIR: join(work, 'tmp'),
    DOCKER_HOST: 'tcp://127.0.0.1:9',
  };
}

async function makeCases(): Promise<FuzzCase[]> {
  const random = new Random(SEED);
  const env = isolatedEnv();
  await mkdir(join(work, 'tmp'), { recursive: true });
  const cases: FuzzCase[] = [];
  const add = (kind: FuzzCase['kind'], argv: string[], cwd: string, path: string, data: Buffer) =>
    cases.push({ id: cases.length, kind, argv, cwd, env, input: { path, base64: data.toString('base64') } });

  const recipeCwd = join(work, 'recipe-project');
  await prepareRecipeFolder(join(recipeCwd, 'recipes/fz'), REPO);
  const recipeFile = join(recipeCwd, 'recipes/fz/recipe.yaml');
  const recipeArgv: string[][] = [
    ['show', 'fz', '--recipes', 'recipes'],
    ['show', 'fz', '--recipes', 'recipes', '--json'],
    ['list', '--recipes', 'recipes'],
    ['list', '--recipes', 'recipes', '--json'],
    ['build', 'fz', '--recipes', 'recipes', '--base', 'debian12', '--out', 'out'],
  ];
  const recipes = await recipeSeeds(REPO);
  for (let i = 0; i < RECIPE_CASES; i++) {
    add('recipe', random.pick(recipeArgv), recipeCwd, recipeFile, mutateText(random.pick(recipes), random));
  }

  const configCwd = join(work, 'config-project');
  await mkdir(join(configCwd, 'recipes'), { recursive: true });
  const configArgv = [['list'], ['show', 'hello'], ['list', '--json']];
  for (let i = 0; i < CONFIG_CASES; i++) {
    add(
      'config',
      random.pick(configArgv),
      configCwd,
      join(configCwd, 'layerforge.config.yaml'),
      mutateText(CONFIG_SEED, random),
    );
  }

  const zipCwd = join(work, 'zip-project');
  await mkdir(zipCwd, { recursive: true });
  await writeFile(join(zipCwd, 'libs.txt'), 'libc.so.6\nlibm.so.6\nlibpthread.so.0\nlibdl.so.2\n');
  const zips = await zipSeeds(join(work, 'zip-seeds'));
  const zipArgv = [
    ['inspect', 'layer.zip'],
    ['inspect', 'layer.zip', '--json'],
    ['inspect', 'layer.zip', '--runtime', 'python3.12'],
    ['audit', 'layer.zip', '--runtime', 'python3.11', '--os', 'debian12', '--system-libraries', 'libs.txt'],
    [
      'audit',
      'layer.zip',
      '--runtime',
      'python3.11',
      '--os',
      'debian12',
      '--system-libraries',
      'libs.txt',
      '--json',
    ],
  ];
  for (let i = 0; i < ZIP_CASES; i++) {
    add('zip', random.pick(zipArgv), zipCwd, join(zipCwd, 'layer.zip'), mutateZip(random.pick(zips), random));
  }
  return cases;
}

interface Outcome {
  results: FuzzResult[];
  /** The case that was running when the worker overran the time limit or died. */
  stuck?: { id: number; why: string };
}

/** Cases per worker process: a fresh process now and then, as each CLI run would be. */
const BATCH = 100;

async function runCases(cases: FuzzCase[]): Promise<Outcome> {
  const results: FuzzResult[] = [];
  for (let start = 0; start < cases.length; start += BATCH) {
    const outcome = await runBatch(cases.slice(start, start + BATCH));
    results.push(...outcome.results);
    if (outcome.stuck) return { results, stuck: outcome.stuck };
  }
  return { results };
}

async function runBatch(cases: FuzzCase[]): Promise<Outcome> {
  const casesFile = join(work, 'cases.json');
  await writeFile(casesFile, JSON.stringify(cases));
  const worker = fork(join(import.meta.dirname, 'worker.ts'), [casesFile], {
    execArgv: ['--import', 'tsx'],
    cwd: REPO,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const results: FuzzResult[] = [];
  return new Promise((resolvePromise) => {
    let running: number | undefined;
    let timer: NodeJS.Timeout | undefined;
    let stuck: Outcome['stuck'];
    worker.on('message', (message: WorkerMessage) => {
      clearTimeout(timer);
      if (message.kind === 'start') {
        running = message.id;
        timer = setTimeout(() => {
          stuck = { id: message.id, why: `still running after ${CASE_TIME_LIMIT_MS / 1000} s` };
          worker.kill('SIGKILL');
        }, CASE_TIME_LIMIT_MS);
      } else {
        running = undefined;
        results.push(message.result);
      }
    });
    worker.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (!stuck && running !== undefined) stuck = { id: running, why: `worker died (${code ?? signal})` };
      resolvePromise({ results, ...(stuck ? { stuck } : {}) });
    });
  });
}

// A raw ESC (or the one-byte C1 CSI) lets data rewrite the user's terminal.
const hasRawEscape = (text: string) => text.includes('\u001b') || text.includes('\u009b');
// A JavaScript stack frame: `    at fn (file.js:1:2)` or `    at file.js:1:2`.
const STACK_FRAME = /^\s+at (?:.+ \()?(?:file:\/\/|node:|\/).+:\d+:\d+\)?$/m;

function problemsOf(result: FuzzResult): string[] {
  const output = result.stdout + result.stderr;
  const problems: string[] = [];
  if (![0, 1, 2].includes(result.code)) problems.push(`exit code ${result.code}`);
  if (STACK_FRAME.test(output) || /internal error/.test(output))
    problems.push('stack trace or internal error');
  if (hasRawEscape(output)) problems.push('raw terminal escape in the output');
  if (result.ms > CASE_TIME_LIMIT_MS) problems.push(`took ${Math.round(result.ms)} ms`);
  if (result.maxRssMB > RSS_LIMIT_MB) problems.push(`peak RSS ${Math.round(result.maxRssMB)} MB`);
  return problems;
}

describe(`fuzzing recipes, config and zips (seed ${SEED})`, () => {
  it(
    `${RECIPE_CASES} recipes, ${CONFIG_CASES} config files and ${ZIP_CASES} zips end cleanly`,
    async () => {
      const cases = await makeCases();
      const outcome = await runCases(cases);
      const failures: string[] = [];
      const rssBefore = new Map<number, number>();
      let previousRss = 0;
      for (const result of outcome.results) {
        // Peak RSS only grows: blame a case only for the growth past the limit it caused.
        rssBefore.set(result.id, previousRss);
        const problems = problemsOf(result).filter(
          (p) => !p.startsWith('peak RSS') || previousRss <= RSS_LIMIT_MB,
        );
        previousRss = result.maxRssMB;
        if (problems.length > 0) failures.push(`case ${result.id}: ${problems.join(', ')}`);
      }
      const slowest = Math.max(...outcome.results.map((r) => r.ms));
      const peak = Math.max(...outcome.results.map((r) => r.maxRssMB));
      const codes = outcome.results.reduce<Record<number, number>>(
        (count, r) => ({ ...count, [r.code]: (count[r.code] ?? 0) + 1 }),
        {},
      );
      console.info(
        `fuzz seed ${SEED}: ${outcome.results.length} cases, exit codes ${JSON.stringify(codes)}, slowest ${Math.round(slowest)} ms, peak RSS ${Math.round(peak)} MB`,
      );
      if (outcome.stuck) failures.push(`case ${outcome.stuck.id}: ${outcome.stuck.why}`);
      if (outcome.results.length + (outcome.stuck ? 1 : 0) < cases.length && !outcome.stuck) {
        failures.push(`only ${outcome.results.length} of ${cases.length} cases reported`);
      }
      if (failures.length > 0) {
        // Left in place on purpose, for a rerun by hand; the failure message says where.
        const keep = await tempDir('layerforge-fuzz-failures-', { keep: true });
        const byId = new Map(cases.map((c) => [c.id, c]));
        const resultById = new Map(outcome.results.map((r) => [r.id, r]));
        for (const line of failures.slice(0, 50)) {
          const id = Number(/case (\d+)/.exec(line)?.[1]);
          const fuzzCase = byId.get(id);
          if (!fuzzCase) continue;
          await writeFile(join(keep, `${id}.input`), Buffer.from(fuzzCase.input.base64, 'base64'));
          await writeFile(
            join(keep, `${id}.json`),
            JSON.stringify({ kind: fuzzCase.kind, argv: fuzzCase.argv, result: resultById.get(id) }, null, 2),
          );
        }
        failures.push(`inputs and outputs kept in ${keep}`);
      }
      expect(failures).toEqual([]);
      expect(outcome.results).toHaveLength(cases.length);
    },
    15 * 60_000,
  );
});
