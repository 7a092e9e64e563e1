import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runLayerforge, writeTree } from '../cli/cli-harness.js';
import { actionlint, actionlintBinary } from '../support/actionlint.js';
import { sharedTempDir, tempDir } from '../support/temp-dir.js';

// The workflows `layerforge ci github` writes, checked by the real actionlint (the Go module,
// built from the Go module proxy) with shellcheck checking every run: script. Any finding fails.

const shared = sharedTempDir();
beforeAll(async () => {
  await actionlintBinary();
}, 600_000);

const recipe = (name: string, runtimes: string) => `name: ${name}
version: 1.0.0
summary: A project's own recipe
license: MIT
homepage: https://example.com/${name}
runtimes: [${runtimes}]
architectures: [x86_64, arm64]
install:
  python:
    requirements: [six==1.17.0]
`;

async function generate(cwd: string, args: string[]): Promise<string> {
  const run = await runLayerforge(['ci', 'github', ...args], { cwd });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return join(cwd, '.github/workflows/layerforge.yml');
}

/** The workflow with each action at its major tag, the form actionlint knows the inputs of. */
async function atMajorTags(file: string, cwd: string): Promise<string> {
  const text = await readFile(file, 'utf8');
  const majors = text.replace(/(uses: [\w.-]+\/[\w.-]+@v\d+)\.\d+\.\d+/g, '$1');
  expect(majors).not.toBe(text);
  const out = join(cwd, 'majors.yml');
  await writeFile(out, majors);
  return out;
}

describe('layerforge ci github, through actionlint', () => {
  // Generating validates every bundled recipe: seconds on a busy machine (actionlint is quick).
  it('the workflow for every bundled recipe passes actionlint, shellcheck included', async () => {
    const cwd = await tempDir();
    const file = await generate(cwd, ['--all', '--region', 'us-east-1,eu-west-1']);
    const include = (
      parse(await readFile(file, 'utf8')) as {
        jobs: { build: { strategy: { matrix: { include: unknown[] } } } };
      }
    ).jobs.build.strategy.matrix.include;
    expect(include.length).toBeGreaterThan(100);
    expect(await actionlint([file])).toEqual([]);
  }, 120_000);

  it("a project's own recipes on both archs, from ./recipes and --recipes, with an environment", async () => {
    const cwd = shared.path;
    await writeTree(cwd, {
      'recipes/tiny/recipe.yaml': recipe('tiny', 'python3.12, python3.13'),
      'layers/other/recipe.yaml': recipe('other', 'python3.12'),
    });
    const file = await generate(cwd, [
      '--recipes',
      'layers',
      '--region',
      'eu-west-1',
      '--environment',
      'production',
    ]);
    const workflow = parse(await readFile(file, 'utf8')) as {
      env: Record<string, string>;
      jobs: { build: { strategy: { matrix: { include: { arch: string; runner: string }[] } } } };
    };
    const cells = workflow.jobs.build.strategy.matrix.include;
    expect(cells).toHaveLength(6);
    expect(cells.filter((c) => c.arch === 'arm64').map((c) => c.runner)).toEqual(
      Array(3).fill('ubuntu-24.04-arm'),
    );
    expect(workflow.env.LAYERFORGE_RECIPES).toBe('layers');
    expect(await actionlint([file])).toEqual([]);
  });

  it('with each action at its major tag, actionlint also checks the inputs given to it', async () => {
    // actionlint knows popular actions' inputs by major tag (actions/checkout@v5), not by the full
    // tags the workflow pins: this is the same file, read where actionlint can check every `with:`.
    const cwd = await tempDir();
    const file = await generate(cwd, ['--all', '--arch', 'arm64', '--region', 'us-east-1']);
    expect(await actionlint([await atMajorTags(file, cwd)])).toEqual([]);
  }, 120_000);

  it('a broken workflow is flagged: an unknown input, a missing job, an unquoted array in a script', async () => {
    // Proves the checks above can fail: the same generator's output, broken in three places.
    const cwd = await tempDir();
    const file = await atMajorTags(await generate(cwd, ['hello', '--region', 'us-east-1']), cwd);
    const broken = (await readFile(file, 'utf8'))
      .replace('pattern: lock-*', 'patern: lock-*')
      .replace('needs: publish', 'needs: publsh')
      .replace('"${cache[@]}"', '${cache[@]}');
    await writeFile(file, broken);
    const findings = await actionlint([file]);
    const messages = findings.map((f) => `${f.kind}: ${f.message}`);
    expect(messages).toContainEqual(expect.stringMatching(/^action: input "patern" is not defined/));
    expect(messages).toContainEqual(
      expect.stringMatching(/^job-needs: job "lock" needs job "publsh" which does not exist/),
    );
    expect(messages).toContainEqual(expect.stringMatching(/^shellcheck: .*SC2068/));
  });
});
