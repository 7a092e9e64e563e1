import { ExitCode } from '../core/errors.js';
import { listRemoteVersions } from '../core/publish/list-versions.js';
import { formatTable } from '../ui/format.js';
import { defineCommand } from './command.js';
import { count, flag } from './options.js';
import { awsClientsFrom, awsOptions } from './shared-options.js';

export const command = defineCommand({
  name: 'versions <layer-name>',
  summary: 'list the versions of a layer that exist in AWS, newest first, per region',
  help: 'Example:\n  layerforge versions pandas-python312-x86_64 --region us-east-1,eu-west-1 --code-sha256',
  options: {
    ...awsOptions,
    limit: count('--limit <n>', 'newest versions per region', 50),
    codeSha256: flag('--code-sha256', "fetch each version's CodeSha256 (one GetLayerVersion call each)"),
  },
  async run([layerName = ''], options, ctx) {
    const { limit, codeSha256: withCodeSha256 } = options;
    const clients = await awsClientsFrom(options, ctx);
    try {
      const rows = await listRemoteVersions(
        { layerName, regions: options.region, limit, withCodeSha256 },
        { clients, signal: ctx.signal },
      );
      if (ctx.json) {
        ctx.printJson({ layerName, versions: rows });
        return ExitCode.ok;
      }
      if (rows.length === 0) {
        ctx.print(`no versions of ${layerName}`);
        return ExitCode.ok;
      }
      const header = [
        'REGION',
        'VERSION',
        'CREATED',
        'RUNTIMES',
        'ARCH',
        ...(withCodeSha256 ? ['CODESHA256'] : []),
      ];
      const body = rows.map((r) => [
        r.region,
        String(r.version),
        r.createdAt ?? '-',
        r.runtimes.join(',') || '-',
        r.architectures.join(',') || '-',
        ...(withCodeSha256 ? [r.codeSha256 ?? '-'] : []),
      ]);
      ctx.print(formatTable([header, ...body]));
    } finally {
      clients.destroy();
    }
    return ExitCode.ok;
  },
});
