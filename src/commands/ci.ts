import { relative, resolve } from 'node:path';
import { generateGithubWorkflow } from '../core/ci/generate.js';
import { writeWorkflowFile } from '../core/ci/write-workflow.js';
import { ExitCode } from '../core/errors.js';
import { defineCommand } from './command.js';
import { flag, list, text } from './options.js';
import { recipeOptions } from './shared-options.js';

const DEFAULT_OUTPUT = '.github/workflows/layerforge.yml';

const github = defineCommand({
  name: 'github [recipes...]',
  summary: "write a GitHub Actions workflow that builds the project's recipes in a matrix and publishes them",
  help: [
    "Run it at the repository's root. Examples:",
    '  layerforge ci github --region us-east-1,eu-west-1',
    '  layerforge ci github pandas sharp --runtime python3.12,nodejs22.x --region us-east-1',
    '  layerforge ci github --all --arch arm64 --region us-east-1 --stdout',
    '',
    "Without recipe names, the workflow builds the project's own recipes (./recipes, recipeDirs in",
    'layerforge.config.yaml, --recipes), each for every runtime and arch it supports unless --runtime',
    'and --arch narrow it; arm64 jobs run on arm64 runners. Builds share the S3 cache named by a',
    'repository variable; pushes to --branch publish with credentials from an OIDC-assumed role.',
    '',
    'The same inputs always give the same file. An existing file that differs is replaced only with',
    '--force (exit 2 otherwise, nothing written).',
  ].join('\n'),
  options: {
    all: flag('--all', 'every recipe, the bundled ones too'),
    runtime: list('--runtime <id>', 'runtimes to build (default: every runtime each recipe supports)'),
    arch: list('--arch <arch>', 'x86_64 and/or arm64 (default: every arch each recipe supports)'),
    ...recipeOptions,
    region: list(
      '--region <region>',
      'AWS region(s) the workflow publishes to, repeatable or comma-separated',
    ),
    output: text('--output <file>', 'where to write the workflow; - prints it', DEFAULT_OUTPUT),
    stdout: flag('--stdout', 'print the workflow instead of writing it'),
    force: flag('--force', 'replace an existing workflow file that differs'),
    branch: text('--branch <name>', 'pushes to it publish; pull requests into it build', 'main'),
    roleVariable: text(
      '--role-variable <name>',
      'the repository variable holding the publish role ARN',
      'LAYERFORGE_PUBLISH_ROLE_ARN',
    ),
    cacheRoleVariable: text(
      '--cache-role-variable <name>',
      'the repository variable holding the ARN of the role builds use for the cache',
      'LAYERFORGE_CACHE_ROLE_ARN',
    ),
    cacheVariable: text(
      '--cache-variable <name>',
      'the repository variable holding the shared cache, s3://bucket/prefix',
      'LAYERFORGE_CACHE_URL',
    ),
    cacheRegion: text('--cache-region <region>', "the cache bucket's region (default: the first --region)"),
    runner: list('--runner <arch=label>', "a runner label for an arch instead of GitHub's hosted one"),
    environment: text('--environment <name>', 'a GitHub environment the publish jobs run in'),
    layerforge: text('--layerforge <npm-spec>', 'the layerforge the jobs run (default: this version)'),
    nodeVersion: text('--node-version <version>', 'the Node.js version the jobs set up', '22'),
  },
  async run(recipes, options, ctx) {
    const toStdout = options.stdout || options.output === '-';
    const { text: workflow, cells } = await generateGithubWorkflow(
      {
        recipes,
        all: options.all,
        runtimes: options.runtime,
        archs: options.arch,
        recipeDirs: options.recipes,
        regions: options.region,
        ...(options.cacheRegion !== undefined ? { cacheRegion: options.cacheRegion } : {}),
        branch: options.branch,
        variables: {
          cacheUrl: options.cacheVariable,
          cacheRole: options.cacheRoleVariable,
          publishRole: options.roleVariable,
        },
        runners: options.runner,
        ...(options.layerforge !== undefined ? { layerforgePackage: options.layerforge } : {}),
        nodeVersion: options.nodeVersion,
        ...(options.environment !== undefined ? { environment: options.environment } : {}),
      },
      ctx.job,
    );
    if (toStdout) {
      ctx.stdout.write(workflow);
      return ExitCode.ok;
    }
    const file = resolve(ctx.cwd, options.output);
    const status = await writeWorkflowFile(file, workflow, { force: options.force });
    if (ctx.json) ctx.printJson({ file, status, jobs: cells.length });
    else ctx.print(`${status} ${relative(ctx.cwd, file) || file}: ${cells.length} build jobs`);
    return ExitCode.ok;
  },
});

export const command = defineCommand({
  name: 'ci',
  summary: 'write CI configuration for the project: `ci github`',
  json: false,
  // Never run: a group without its sub-command prints its help (see src/cli.ts).
  run: () => Promise.resolve(ExitCode.badInput),
  subcommands: [github],
});
