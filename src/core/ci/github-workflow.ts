import { Document } from 'yaml';
import { PINNED_ACTIONS } from './actions.js';
import type { GithubCell } from './github-matrix.js';

/** The repository variables a workflow reads (Settings → Secrets and variables → Actions → Variables). */
export interface GithubVariables {
  /** Holds the shared cache's `s3://bucket/prefix`. */
  cacheUrl: string;
  /** Holds the ARN of the role build jobs assume to read and write the cache. */
  cacheRole: string;
  /** Holds the ARN of the role the publish jobs assume. */
  publishRole: string;
}

/** Everything a generated workflow depends on: the same spec gives the same bytes. */
export interface GithubWorkflowSpec {
  cells: GithubCell[];
  /** Where the publish jobs publish; at least one. */
  regions: string[];
  /** The region the cache role's credentials are made for. */
  cacheRegion: string;
  /** The npm package spec each job runs with npx, e.g. `layerforge@0.1.0`. */
  layerforgePackage: string;
  /** The layerforge that generated the file, named in its header. */
  generatedBy: string;
  nodeVersion: string;
  /** Pushes to it build with a writable cache and publish; pull requests into it build only. */
  branch: string;
  /** Recipe folders to search, relative to the repository's root (beside those the config names). */
  recipeDirs: string[];
  variables: GithubVariables;
  /** A GitHub environment for the publish jobs (its protection rules, the role's trust on it). */
  environment?: string;
}

/** Each build job's output folder, uploaded as its artifact and downloaded by its publish job. */
const LAYER_DIR = 'layerforge-out';

/** GitHub gives a pull request from a fork no OIDC token; its jobs only read the shared cache. */
const FROM_FORK =
  "github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name != github.repository";

const expression = (text: string) => `\${{ ${text} }}`;

/** A variable of the job's env in a GitHub expression (not this process's: nothing here reads it). */
const jobEnv = (name: string) => `env.${name}`;

// Values reach the scripts through env, never through ${{ }} inside `run:`: an expression pasted
// into a script is a script injection waiting for a recipe or branch name with a quote in it.
const BUILD_SCRIPT = `# No cache URL: this runner's own cache only.
if [ -n "\${LAYERFORGE_CACHE_URL:-}" ]; then
  cache=(--cache-mode "$CACHE_MODE")
else
  unset LAYERFORGE_CACHE_URL
  cache=()
fi
npx --yes "$LAYERFORGE_PACKAGE" build "$RECIPE" --runtime "$RUNTIME" --arch "$ARCH" --test --out ${LAYER_DIR} "\${cache[@]}"
`;

const PUBLISH_SCRIPT = `for zip in ${LAYER_DIR}/*.zip; do
  npx --yes "$LAYERFORGE_PACKAGE" publish "$zip" --region "$REGIONS"
done
`;

const MERGE_SCRIPT = `npx --yes "$LAYERFORGE_PACKAGE" lock merge locks/*/layerforge.lock.json > layerforge.lock.json
`;

function setupSteps(nodeVersion: string): object[] {
  return [
    { uses: PINNED_ACTIONS.checkout, with: { 'persist-credentials': false } },
    { uses: PINNED_ACTIONS.setupNode, with: { 'node-version': nodeVersion } },
  ];
}

function buildJob(spec: GithubWorkflowSpec): object {
  const { cacheRole } = spec.variables;
  return {
    name: '${{ matrix.recipe }} ${{ matrix.runtime }} ${{ matrix.arch }}',
    'runs-on': '${{ matrix.runner }}',
    'timeout-minutes': 90,
    permissions: { contents: 'read', 'id-token': 'write' },
    strategy: {
      'fail-fast': false,
      matrix: {
        include: spec.cells.map((c) => ({
          id: c.id,
          recipe: c.recipe,
          runtime: c.runtime,
          arch: c.arch,
          runner: c.runner,
        })),
      },
    },
    env: { CACHE_MODE: expression(`${FROM_FORK} && 'read' || 'readwrite'`) },
    steps: [
      ...setupSteps(spec.nodeVersion),
      {
        name: 'AWS credentials for the shared cache',
        if: `${jobEnv('CACHE_MODE')} == 'readwrite' && ${jobEnv('LAYERFORGE_CACHE_URL')} != '' && vars.${cacheRole} != ''`,
        uses: PINNED_ACTIONS.awsCredentials,
        with: { 'role-to-assume': expression(`vars.${cacheRole}`), 'aws-region': spec.cacheRegion },
      },
      {
        name: 'Build',
        env: { RECIPE: '${{ matrix.recipe }}', RUNTIME: '${{ matrix.runtime }}', ARCH: '${{ matrix.arch }}' },
        run: BUILD_SCRIPT,
      },
      {
        name: 'Upload the layer',
        uses: PINNED_ACTIONS.uploadArtifact,
        with: { name: 'layer-${{ matrix.id }}', path: `${LAYER_DIR}/`, 'if-no-files-found': 'error' },
      },
    ],
  };
}

function publishJob(spec: GithubWorkflowSpec): object {
  return {
    name: 'publish ${{ matrix.id }}',
    needs: 'build',
    if: `github.event_name != 'pull_request' && github.ref == 'refs/heads/${spec.branch}'`,
    'runs-on': 'ubuntu-24.04',
    'timeout-minutes': 30,
    ...(spec.environment !== undefined ? { environment: spec.environment } : {}),
    permissions: { contents: 'read', 'id-token': 'write' },
    strategy: { 'fail-fast': false, matrix: { include: spec.cells.map((c) => ({ id: c.id })) } },
    steps: [
      ...setupSteps(spec.nodeVersion),
      {
        name: 'Download the layer',
        uses: PINNED_ACTIONS.downloadArtifact,
        with: { name: 'layer-${{ matrix.id }}', path: LAYER_DIR },
      },
      {
        name: 'AWS credentials for publishing',
        uses: PINNED_ACTIONS.awsCredentials,
        with: {
          'role-to-assume': expression(`vars.${spec.variables.publishRole}`),
          'aws-region': spec.regions[0],
        },
      },
      { name: 'Publish', env: { REGIONS: spec.regions.join(',') }, run: PUBLISH_SCRIPT },
      {
        name: "Upload this job's lock file",
        if: '${{ !cancelled() }}',
        uses: PINNED_ACTIONS.uploadArtifact,
        with: { name: 'lock-${{ matrix.id }}', path: 'layerforge.lock.json' },
      },
    ],
  };
}

function lockJob(spec: GithubWorkflowSpec): object {
  return {
    name: 'lock file',
    needs: 'publish',
    // Also after a failed publish job: the versions the others published are recorded all the same.
    if: "${{ !cancelled() && needs.publish.result != 'skipped' }}",
    'runs-on': 'ubuntu-24.04',
    'timeout-minutes': 10,
    steps: [
      { uses: PINNED_ACTIONS.setupNode, with: { 'node-version': spec.nodeVersion } },
      {
        name: "Download the publish jobs' lock files",
        uses: PINNED_ACTIONS.downloadArtifact,
        with: { pattern: 'lock-*', path: 'locks' },
      },
      { name: 'Merge them', run: MERGE_SCRIPT },
      {
        name: 'Upload layerforge.lock.json',
        uses: PINNED_ACTIONS.uploadArtifact,
        with: { name: 'layerforge-lock', path: 'layerforge.lock.json', 'if-no-files-found': 'error' },
      },
    ],
  };
}

/** The workflow as data: what `renderGithubWorkflow` writes, for tests to read by path. */
export function githubWorkflow(spec: GithubWorkflowSpec): Record<string, unknown> {
  return {
    name: 'layerforge',
    on: {
      push: { branches: [spec.branch] },
      pull_request: { branches: [spec.branch] },
      workflow_dispatch: {
        inputs: {
          'cache-url': {
            description: `The shared cache, s3://bucket/prefix (default: the ${spec.variables.cacheUrl} variable)`,
            type: 'string',
            required: false,
            default: '',
          },
        },
      },
    },
    permissions: { contents: 'read' },
    defaults: { run: { shell: 'bash' } },
    env: {
      LAYERFORGE_PACKAGE: spec.layerforgePackage,
      LAYERFORGE_CACHE_URL: expression(`inputs.cache-url || vars.${spec.variables.cacheUrl}`),
      ...(spec.recipeDirs.length > 0 ? { LAYERFORGE_RECIPES: spec.recipeDirs.join(':') } : {}),
    },
    jobs: { build: buildJob(spec), publish: publishJob(spec), lock: lockJob(spec) },
  };
}

function header(spec: GithubWorkflowSpec): string {
  const { cacheUrl, cacheRole, publishRole } = spec.variables;
  return [
    ` Generated by \`layerforge ci github\` (${spec.generatedBy}). Generate it again after adding a`,
    ' recipe, a runtime or an arch; edits made here are lost then.',
    '',
    ' Each recipe × runtime × arch builds in its own job, arm64 on an arm64 runner (never under',
    ' QEMU). After every build passed on a push to the branch, one publish job per layer publishes it',
    ' with credentials from an OIDC-assumed role (no stored keys), and writes its own lock file;',
    ' the lock job merges them with `layerforge lock merge` into the layerforge-lock artifact.',
    '',
    ' Repository variables (Settings > Secrets and variables > Actions > Variables):',
    `   ${cacheUrl}: the shared cache, s3://bucket/prefix (optional; a run started by hand`,
    '     may give another). Builds read it first and write what they built.',
    `   ${cacheRole}: the role build jobs assume to read and write the cache.`,
    `   ${publishRole}: the role the publish jobs assume; trust this repository's OIDC token.`,
    ' Pull requests from forks get no OIDC token from GitHub: they only read the cache (--cache-mode',
    ' read), and only when the bucket lets anonymous readers in; else they build everything.',
    '',
    ' Actions are pinned to full version tags. Pinning each to the commit SHA its tag names is safer',
    " still (uses: owner/action@<40-hex SHA> # vX.Y.Z): look the SHAs up in the actions'",
    ' repositories. layerforge could not reach GitHub to read them, and writes none it has not read.',
  ].join('\n');
}

/** The workflow file's text: YAML from the `yaml` package, deterministic for a given spec. */
export function renderGithubWorkflow(spec: GithubWorkflowSpec): string {
  // No anchors: each job's matrix is written out in full, as readers of the file expect.
  const document = new Document(githubWorkflow(spec), { aliasDuplicateObjects: false });
  document.commentBefore = header(spec);
  return document.toString({ lineWidth: 0 });
}
