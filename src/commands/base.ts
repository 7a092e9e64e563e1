import { buildDebootstrapImages } from '../core/base-images/ensure.js';
import { listBaseImages, loadBaseImage, type DebootstrapBase } from '../core/base-images/definition.js';
import { ExitCode, UserError } from '../core/errors.js';
import { parseArchitecture } from '../core/runtimes/catalog.js';
import { formatTable } from '../ui/format.js';
import { defineCommand } from './command.js';
import { list, text } from './options.js';

const listBases = defineCommand({
  name: 'list',
  summary: 'list the base image pairs (build + runtime images) layers can be built on',
  async run(_args, _options, ctx) {
    const bases = await listBaseImages();
    const rows = bases.map(({ definition: d }) => ({
      name: d.name,
      standIn: d.standIn,
      os:
        'os' in d
          ? `${d.os.name}, glibc ${d.os.glibc}`
          : 'per runtime: Amazon Linux 2 (glibc 2.26) or 2023 (glibc 2.34)',
      runtimes: 'runtimes' in d ? d.runtimes : ['all'],
      architectures: d.architectures,
      summary: d.summary,
    }));
    if (ctx.json) {
      ctx.printJson({ bases: rows });
      return ExitCode.ok;
    }
    ctx.print(
      formatTable([
        ['NAME', 'OS', 'RUNTIMES', 'ARCH'],
        ...rows.map((r) => [
          r.name + (r.standIn ? ' (stand-in)' : ''),
          r.os,
          r.runtimes.join(','),
          r.architectures.join(','),
        ]),
      ]),
    );
    return ExitCode.ok;
  },
});

const buildBase = defineCommand({
  name: 'build <name>',
  summary: 'build an offline base image pair from its definition (e.g. debian12)',
  options: {
    arch: list('--arch <arch>', 'x86_64 and/or arm64, repeatable or comma-separated (default: x86_64)'),
    dockerHost: text(
      '--docker-host <url>',
      'Docker engine endpoint (default: DOCKER_HOST or the local socket)',
    ),
  },
  async run([name = ''], options, ctx) {
    const { definition, dir } = await loadBaseImage(name);
    if (definition.source.kind !== 'debootstrap') {
      throw new UserError(`base ${name} uses AWS's published images; there is nothing to build`, {
        hint: 'they are pulled on first use; `layerforge base build debian12` builds the offline stand-in',
      });
    }
    const engine = await ctx.job.engine();
    await engine.ping();
    const archs = options.arch;
    for (const arch of (archs.length > 0 ? archs : ['x86_64']).map(parseArchitecture)) {
      const tags = await buildDebootstrapImages(definition as DebootstrapBase, dir, arch, engine, {
        sink: ctx.sink,
        signal: ctx.signal,
        env: ctx.env,
      });
      if (ctx.json) ctx.sink({ type: 'base.built', base: name, arch, ...tags });
      else ctx.print(`${name} ${arch}: ${tags.buildImage}, ${tags.runtimeImage}`);
    }
    return ExitCode.ok;
  },
});

export const command = defineCommand({
  name: 'base',
  summary: 'manage base image pairs: `base list`, `base build <name>`',
  json: false,
  // Never run: a group without its sub-command prints its help (see src/cli.ts).
  run: () => Promise.resolve(ExitCode.badInput),
  subcommands: [listBases, buildBase],
});
