import { resolve } from 'node:path';
import { ExitCode } from '../core/errors.js';
import { writeFileAtomic } from '../core/fs/atomic.js';
import { serializeLockFile } from '../core/publish/lock-file.js';
import { mergeLockFiles } from '../core/publish/lock-merge.js';
import { defineCommand } from './command.js';
import { text } from './options.js';

const mergeLocks = defineCommand({
  name: 'merge <file...>',
  summary: 'merge the lock files of parallel publishes into one, deterministically',
  help: [
    'Examples:',
    '  layerforge lock merge locks/*.json > layerforge.lock.json',
    '  layerforge lock merge layerforge.lock.json job-a.json job-b.json -o layerforge.lock.json',
    '',
    'Versions are united by account, region, layer and version. Two records of one version must',
    'agree (a different CodeSha256 is a conflict: exit 2, naming both files). A layer one job',
    'changed takes that job’s current version; when two jobs changed the same layer, the highest',
    'version is kept with a warning. Version 1 lock files are read too; the output is version 2.',
  ].join('\n'),
  json: false,
  options: {
    output: text('-o, --output <file>', 'write the merged lock to this file (atomically) instead of stdout'),
  },
  async run(files, options, ctx) {
    const merged = await mergeLockFiles(files, ctx.job);
    const body = serializeLockFile(merged);
    if (options.output === undefined) ctx.stdout.write(body);
    else await writeFileAtomic(resolve(ctx.cwd, options.output), body);
    return ExitCode.ok;
  },
});

export const command = defineCommand({
  name: 'lock',
  summary: 'work with layerforge.lock.json: `lock merge`',
  json: false,
  // Never run: a group without its sub-command prints its help (see src/cli.ts).
  run: () => Promise.resolve(ExitCode.badInput),
  subcommands: [mergeLocks],
});
