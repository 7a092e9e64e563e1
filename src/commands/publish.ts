import { ExitCode } from '../core/errors.js';
import { isZipTarget, publishLayer } from '../core/publish/publish-layer.js';
import type { BuildLayer } from '../core/builder/types.js';
import type { PublishSummary } from '../core/publish/types.js';
import { formatTable } from '../ui/format.js';
import { terminalText } from '../ui/terminal-text.js';
import { buildOptionSpecs, buildOptionsFrom } from './build-options.js';
import { boolOption, defineCommand, listOption, stringOption, type CommandContext } from './command.js';
import { awsClientsFrom, awsOptionSpecs, positiveInteger } from './shared-options.js';

export const command = defineCommand({
  name: 'publish <target>',
  summary:
    'publish a layer zip (or build recipe[@range] first) to one or more regions, reusing a version with the same content',
  help: [
    'Examples:',
    '  layerforge publish dist/pandas-2.2.3-python3.12-x86_64.zip --region us-east-1,eu-west-1',
    '  layerforge publish pandas@^2 --runtime python3.12 --arch arm64 --region us-east-1 --public',
    '  layerforge publish big.zip --region us-east-1,eu-west-1 --s3-bucket "my-layers-{region}" --create-bucket',
    '',
    'Every published or reused version is recorded in layerforge.lock.json; `layerforge arns` prints them.',
  ].join('\n'),
  options: [
    ...awsOptionSpecs,
    {
      flags: '--name <layer-name>',
      description: 'layer name (default: <recipe>-<runtime>-<arch>, e.g. pandas-python312-x86_64)',
    },
    { flags: '--public', description: 'let every AWS account use the layer version' },
    {
      flags: '--principal <account>',
      repeatable: true,
      description: 'let these AWS accounts use the layer version',
    },
    {
      flags: '--org <org-id>',
      repeatable: true,
      description: 'let every account in these AWS organizations use the layer version',
    },
    {
      flags: '--s3-bucket <spec>',
      description:
        'stage the zip in S3 (automatic over 50 MB): a bucket, region=bucket pairs, or a name with {region}',
    },
    { flags: '--create-bucket', description: 'create the staging bucket when it does not exist' },
    { flags: '--keep-staged', description: 'keep the staged zip in S3 after publishing' },
    { flags: '--concurrency <n>', description: 'regions published at once', defaultValue: '4' },
    {
      flags: '--allow-deprecated',
      description:
        'publish even for a runtime Lambda no longer creates functions on (a warning instead of a refusal)',
    },
    ...buildOptionSpecs,
  ],
  async run([target = ''], options, ctx) {
    const concurrency = positiveInteger(options, 'concurrency', '--concurrency') ?? 4;
    const clients = await awsClientsFrom(options, ctx);
    try {
      const zip = isZipTarget(target, ctx.cwd);
      // Publishing a zip never loads the build code (dockerode and friends).
      const buildCore = zip ? undefined : (await import('../core/builder/build-layer.js')).buildLayer;
      const buildLayer: BuildLayer | undefined =
        buildCore && ((input, io) => buildCore(input, { ...ctx.job, ...io }));
      const build = zip ? undefined : await buildOptionsFrom(target, options, ctx);
      const summary = await publishLayer(
        {
          target,
          ...(build ? { build } : {}),
          regions: listOption(options, 'region'),
          ...(stringOption(options, 'name') !== undefined
            ? { layerName: stringOption(options, 'name') }
            : {}),
          sharing: {
            public: boolOption(options, 'public'),
            principals: listOption(options, 'principal'),
            orgs: listOption(options, 'org'),
          },
          ...(stringOption(options, 's3Bucket') !== undefined
            ? { s3Bucket: stringOption(options, 's3Bucket') }
            : {}),
          createBucket: boolOption(options, 'createBucket'),
          keepStaged: boolOption(options, 'keepStaged'),
          allowDeprecated: boolOption(options, 'allowDeprecated'),
          concurrency,
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
