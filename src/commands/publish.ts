import { ExitCode } from '../core/errors.js';
import { isZipTarget, publishLayer } from '../core/publish/publish-layer.js';
import type { BuildLayer } from '../core/builder/types.js';
import type { PublishSummary } from '../core/publish/types.js';
import { parseArchitecture } from '../core/runtimes/catalog.js';
import { formatTable } from '../ui/format.js';
import { terminalText } from '../ui/terminal-text.js';
import { buildOptions, buildOptionsFrom, refuseSeveralTargets } from './build-options.js';
import { defineCommand, type CommandContext } from './command.js';
import { count, flag, list, text } from './options.js';
import { awsClientsFrom, awsOptions, engineOptions } from './shared-options.js';

export const command = defineCommand({
  name: 'publish <target>',
  summary:
    'publish a layer zip (or build recipe[@range] first) to one or more regions, reusing a version with the same content',
  help: [
    'Examples:',
    '  layerforge publish dist/pandas-2.2.3-python3.12-x86_64.zip --region us-east-1,eu-west-1',
    '  layerforge publish pandas@^2 --runtime python3.12 --arch arm64 --region us-east-1 --public',
    '  layerforge publish big.zip --region us-east-1,eu-west-1 --s3-bucket "my-layers-{region}" --create-bucket',
    '  layerforge publish my-layer.zip --runtime python3.12 --arch arm64 --region us-east-1',
    '',
    'A zip layerforge did not build (no manifest beside it) needs --runtime and --arch: it is',
    'inspected and audited for them first, and refused on errors unless --no-audit.',
    'Every published or reused version is recorded in layerforge.lock.json; `layerforge arns` prints them.',
  ].join('\n'),
  options: {
    ...awsOptions,
    name: text(
      '--name <layer-name>',
      'layer name (default: <recipe>-<runtime>-<arch>, e.g. pandas-python312-x86_64)',
    ),
    public: flag('--public', 'let every AWS account use the layer version'),
    principal: list('--principal <account>', 'let these AWS accounts use the layer version'),
    org: list('--org <org-id>', 'let every account in these AWS organizations use the layer version'),
    s3Bucket: text(
      '--s3-bucket <spec>',
      'stage the zip in S3 (automatic over 50 MB): a bucket, region=bucket pairs, or a name with {region}',
    ),
    createBucket: flag('--create-bucket', 'create the staging bucket when it does not exist'),
    keepStaged: flag('--keep-staged', 'keep the staged zip in S3 after publishing'),
    concurrency: count('--concurrency <n>', 'regions published at once', 4),
    allowDeprecated: flag(
      '--allow-deprecated',
      'publish even for a runtime Lambda no longer creates functions on (a warning instead of a refusal)',
    ),
    ...buildOptions,
    runtime: list(
      '--runtime <id>',
      "the Lambda runtime to build a recipe for (default: the recipe's first); one per publish",
    ),
    arch: list('--arch <arch>', 'x86_64 or arm64 to build a recipe for (default: x86_64); one per publish'),
    ...engineOptions,
  },
  async run([target = ''], options, ctx) {
    const zip = isZipTarget(target, ctx.cwd);
    if (!zip) {
      refuseSeveralTargets(
        options,
        `publish ${target}`,
        'publish one runtime and arch at a time (each is its own layer), e.g. one run per --runtime; or build the matrix with `layerforge build` and publish each zip',
      );
    }
    const clients = await awsClientsFrom(options, ctx);
    try {
      // Publishing a zip never loads the build code (dockerode and friends).
      const buildCore = zip ? undefined : (await import('../core/builder/build-layer.js')).buildLayer;
      const buildLayer: BuildLayer | undefined =
        buildCore && ((input, io) => buildCore(input, { ...ctx.job, ...io }));
      const build = zip ? undefined : await buildOptionsFrom(target, options, ctx);
      const summary = await publishLayer(
        {
          target,
          ...(build ? { build } : {}),
          ...(zip
            ? {
                zip: {
                  runtimes: options.runtime,
                  arches: options.arch.map(parseArchitecture),
                  audit: options.audit,
                },
              }
            : {}),
          regions: options.region,
          ...(options.name !== undefined ? { layerName: options.name } : {}),
          sharing: { public: options.public, principals: options.principal, orgs: options.org },
          ...(options.s3Bucket !== undefined ? { s3Bucket: options.s3Bucket } : {}),
          createBucket: options.createBucket,
          keepStaged: options.keepStaged,
          allowDeprecated: options.allowDeprecated,
          concurrency: options.concurrency,
          cwd: ctx.cwd,
          env: ctx.env,
        },
        { clients, sink: ctx.sink, signal: ctx.signal, ...(buildLayer ? { buildLayer } : {}) },
      );
      render(summary, ctx);
      return summary.regions.every((r) => r.ok) ? ExitCode.ok : ExitCode.failure;
    } finally {
      clients.destroy();
    }
  },
});

function render(summary: PublishSummary, ctx: CommandContext): void {
  if (ctx.json) return ctx.sink({ type: 'publish.summary', ...summary });
  const rows = summary.regions.map((r) =>
    r.ok
      ? [r.region, r.reused ? 'reused' : 'published', String(r.version), r.layerVersionArn]
      : [r.region, 'FAILED', '-', r.error],
  );
  // Per cell: an AWS error message may run over several lines.
  ctx.print(
    formatTable([['REGION', 'RESULT', 'VERSION', 'ARN'], ...rows.map((row) => row.map(terminalText))]),
  );
  for (const r of summary.regions) if (!r.ok && r.hint) ctx.stderr.write(`hint (${r.region}): ${r.hint}\n`);
  if (summary.lockFile) ctx.print(`recorded in ${summary.lockFile}`);
}
