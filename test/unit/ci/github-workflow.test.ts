import { describe, expect, it } from 'vitest';
import { isAlias, parse, parseDocument, visit } from 'yaml';
import { PINNED_ACTIONS } from '../../../src/core/ci/actions.js';
import { GITHUB_RUNNERS, githubCells } from '../../../src/core/ci/github-matrix.js';
import {
  githubWorkflow,
  renderGithubWorkflow,
  type GithubWorkflowSpec,
} from '../../../src/core/ci/github-workflow.js';
import { UserError } from '../../../src/core/errors.js';
import { loadedRecipe, makeRecipe } from '../builder/helpers.js';

const py = loadedRecipe(
  makeRecipe({
    name: 'py-lib',
    version: '2.0.1',
    runtimes: ['python3.12', 'python3.13'],
    architectures: ['x86_64', 'arm64'],
  }),
);
const armOnly = loadedRecipe(
  makeRecipe({ name: 'arm-tool', version: '0.3.0', runtimes: ['provided.al2023'], architectures: ['arm64'] }),
);

function spec(fields: Partial<GithubWorkflowSpec> = {}): GithubWorkflowSpec {
  return {
    cells: githubCells([py, armOnly], [], []),
    regions: ['us-east-1', 'eu-west-1'],
    cacheRegion: 'us-east-1',
    layerforgePackage: 'layerforge@9.9.9',
    generatedBy: 'layerforge 9.9.9',
    nodeVersion: '22',
    branch: 'main',
    recipeDirs: [],
    variables: { cacheUrl: 'CACHE_URL', cacheRole: 'CACHE_ROLE', publishRole: 'PUBLISH_ROLE' },
    ...fields,
  };
}

interface Step {
  name?: string;
  uses?: string;
  if?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  needs?: string;
  if?: string;
  'runs-on': string;
  permissions?: Record<string, string>;
  environment?: string;
  env?: Record<string, string>;
  strategy?: { 'fail-fast': boolean; matrix: { include: Record<string, string>[] } };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  env: Record<string, string>;
  jobs: Record<string, Job>;
}

/** The workflow as GitHub reads it: the rendered text parsed back. */
function workflowOf(fields: Partial<GithubWorkflowSpec> = {}): Workflow {
  return parse(renderGithubWorkflow(spec(fields))) as Workflow;
}

function job(workflow: Workflow, name: string): Job {
  const found = workflow.jobs[name];
  if (!found) throw new Error(`no job ${name}`);
  return found;
}

describe('githubCells', () => {
  it('builds every runtime and arch each recipe supports, arm64 on arm64 runners', () => {
    expect(githubCells([py, armOnly], [], [])).toEqual([
      {
        id: 'py-lib-2.0.1-python3.12-x86_64',
        recipe: 'py-lib@2.0.1',
        runtime: 'python3.12',
        arch: 'x86_64',
        runner: 'ubuntu-24.04',
      },
      {
        id: 'py-lib-2.0.1-python3.12-arm64',
        recipe: 'py-lib@2.0.1',
        runtime: 'python3.12',
        arch: 'arm64',
        runner: 'ubuntu-24.04-arm',
      },
      {
        id: 'py-lib-2.0.1-python3.13-x86_64',
        recipe: 'py-lib@2.0.1',
        runtime: 'python3.13',
        arch: 'x86_64',
        runner: 'ubuntu-24.04',
      },
      {
        id: 'py-lib-2.0.1-python3.13-arm64',
        recipe: 'py-lib@2.0.1',
        runtime: 'python3.13',
        arch: 'arm64',
        runner: 'ubuntu-24.04-arm',
      },
      {
        id: 'arm-tool-0.3.0-provided.al2023-arm64',
        recipe: 'arm-tool@0.3.0',
        runtime: 'provided.al2023',
        arch: 'arm64',
        runner: 'ubuntu-24.04-arm',
      },
    ]);
  });

  it('--runtime and --arch narrow it; a recipe that supports none of them is left out', () => {
    const cells = githubCells([py, armOnly], ['python3.13'], ['arm64']);
    expect(cells.map((c) => c.id)).toEqual(['py-lib-2.0.1-python3.13-arm64']);
  });

  it('a runner given for an arch replaces the hosted one for that arch only', () => {
    const cells = githubCells([py], ['python3.12'], [], { ...GITHUB_RUNNERS, arm64: 'graviton' });
    expect(cells.map((c) => [c.arch, c.runner])).toEqual([
      ['x86_64', 'ubuntu-24.04'],
      ['arm64', 'graviton'],
    ]);
  });

  it('refuses more cells than a GitHub matrix runs', () => {
    const many = Array.from({ length: 65 }, (_, i) =>
      loadedRecipe(makeRecipe({ name: `r${i}`, runtimes: ['python3.12', 'python3.13'] })),
    );
    expect(() => githubCells(many, [], [])).toThrow(UserError);
    expect(() => githubCells(many, [], [])).toThrow(/260 cells: a GitHub matrix runs at most 256 jobs/);
  });
});

describe('renderGithubWorkflow', () => {
  it('one build job per cell, each on the runner of its arch', () => {
    const build = job(workflowOf(), 'build');
    expect(build['runs-on']).toBe('${{ matrix.runner }}');
    expect(build.strategy?.['fail-fast']).toBe(false);
    const include = build.strategy?.matrix.include ?? [];
    expect(include).toHaveLength(5);
    for (const cell of include)
      expect(cell.runner).toBe(cell.arch === 'arm64' ? 'ubuntu-24.04-arm' : 'ubuntu-24.04');
    const script = build.steps.find((s) => s.name === 'Build');
    expect(script?.env).toEqual({
      RECIPE: '${{ matrix.recipe }}',
      RUNTIME: '${{ matrix.runtime }}',
      ARCH: '${{ matrix.arch }}',
    });
    expect(script?.run).toContain(
      'build "$RECIPE" --runtime "$RUNTIME" --arch "$ARCH" --test --out layerforge-out',
    );
    const upload = build.steps.find((s) => s.uses === PINNED_ACTIONS.uploadArtifact);
    expect(upload?.with).toMatchObject({ name: 'layer-${{ matrix.id }}', 'if-no-files-found': 'error' });
  });

  it('pull requests from forks read the shared cache; pushes read and write it', () => {
    const workflow = workflowOf();
    expect(workflow.env.LAYERFORGE_CACHE_URL).toBe('${{ inputs.cache-url || vars.CACHE_URL }}');
    const build = job(workflow, 'build');
    expect(build.env?.CACHE_MODE).toBe(
      "${{ github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name != github.repository && 'read' || 'readwrite' }}",
    );
    expect(build.steps.find((s) => s.name === 'Build')?.run).toContain('cache=(--cache-mode "$CACHE_MODE")');
    // Credentials for the cache only where the cache is written: a fork's job has no OIDC token.
    const credentials = build.steps.find((s) => s.uses === PINNED_ACTIONS.awsCredentials);
    expect(credentials?.if).toBe(
      "env.CACHE_MODE == 'readwrite' && env.LAYERFORGE_CACHE_URL != '' && vars.CACHE_ROLE != ''",
    );
    expect(credentials?.with).toEqual({
      'role-to-assume': '${{ vars.CACHE_ROLE }}',
      'aws-region': 'us-east-1',
    });
    expect(build.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
  });

  it('publish runs after every build, per layer, with OIDC credentials and no stored keys', () => {
    const workflow = workflowOf({ environment: 'production' });
    expect(workflow.permissions).toEqual({ contents: 'read' });
    const publish = job(workflow, 'publish');
    expect(publish.needs).toBe('build');
    expect(publish.if).toBe("github.event_name != 'pull_request' && github.ref == 'refs/heads/main'");
    expect(publish.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(publish.environment).toBe('production');
    expect(publish.strategy?.matrix.include.map((c) => c.id)).toEqual(
      job(workflow, 'build').strategy?.matrix.include.map((c) => c.id),
    );
    const credentials = publish.steps.find((s) => s.uses === PINNED_ACTIONS.awsCredentials);
    expect(credentials?.with).toEqual({
      'role-to-assume': '${{ vars.PUBLISH_ROLE }}',
      'aws-region': 'us-east-1',
    });
    expect(renderGithubWorkflow(spec())).not.toMatch(/aws-access-key-id|aws-secret-access-key|secrets\./);
    const download = publish.steps.find((s) => s.uses === PINNED_ACTIONS.downloadArtifact);
    expect(download?.with).toEqual({ name: 'layer-${{ matrix.id }}', path: 'layerforge-out' });
    const run = publish.steps.find((s) => s.name === 'Publish');
    expect(run?.env).toEqual({ REGIONS: 'us-east-1,eu-west-1' });
    expect(run?.run).toContain('publish "$zip" --region "$REGIONS"');
    expect(publish.steps.at(-1)?.with).toEqual({
      name: 'lock-${{ matrix.id }}',
      path: 'layerforge.lock.json',
    });
  });

  it('the lock job merges the publish jobs’ partial lock files with `lock merge`', () => {
    const lock = job(workflowOf(), 'lock');
    expect(lock.needs).toBe('publish');
    expect(lock.if).toBe("${{ !cancelled() && needs.publish.result != 'skipped' }}");
    expect(lock.steps.find((s) => s.uses === PINNED_ACTIONS.downloadArtifact)?.with).toEqual({
      pattern: 'lock-*',
      path: 'locks',
    });
    expect(lock.steps.find((s) => s.run)?.run).toBe(
      'npx --yes "$LAYERFORGE_PACKAGE" lock merge locks/*/layerforge.lock.json > layerforge.lock.json\n',
    );
  });

  it('every action is pinned to a full version tag, and no SHA is made up', () => {
    const text = renderGithubWorkflow(spec());
    const uses = [...text.matchAll(/^\s*-?\s*uses: (\S+)$/gm)].map((m) => m[1]);
    expect(new Set(uses)).toEqual(new Set(Object.values(PINNED_ACTIONS)));
    for (const use of uses) expect(use).toMatch(/@v\d+\.\d+\.\d+$/);
    expect(text).not.toMatch(/[0-9a-f]{40}/);
    expect(text).toContain('layerforge could not reach GitHub to read them');
  });

  it('no expression is pasted into a script: values reach run: through env', () => {
    const workflow = workflowOf({ recipeDirs: ['layers', 'more/recipes'] });
    const scripts = Object.values(workflow.jobs).flatMap((j) =>
      j.steps.flatMap((s) => (s.run ? [s.run] : [])),
    );
    expect(scripts).toHaveLength(3);
    for (const script of scripts) expect(script).not.toContain('${{');
    expect(workflow.env).toEqual({
      LAYERFORGE_PACKAGE: 'layerforge@9.9.9',
      LAYERFORGE_CACHE_URL: '${{ inputs.cache-url || vars.CACHE_URL }}',
      LAYERFORGE_RECIPES: 'layers:more/recipes',
    });
  });

  it('is deterministic: the same spec gives the same bytes, without anchors', () => {
    const first = renderGithubWorkflow(spec());
    expect(renderGithubWorkflow(spec())).toBe(first);
    let anchors = 0;
    visit(parseDocument(first), (_key, node) => {
      if (isAlias(node) || (node as { anchor?: string }).anchor !== undefined) anchors += 1;
    });
    expect(anchors).toBe(0);
    // The text GitHub reads is the data the generator built.
    expect(parse(first)).toEqual(githubWorkflow(spec()));
  });
});
