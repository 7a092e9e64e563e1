import { buildDebootstrapImages } from '../core/base-images/ensure.js';
import { listBaseImages, loadBaseImage, type DebootstrapBase } from '../core/base-images/definition.js';
import { ExitCode, UserError } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import { runTogether } from '../core/run-together.js';
import { parseArchitecture, type Architecture } from '../core/runtimes/catalog.js';
import { formatTable } from '../ui/format.js';
import { defineCommand } from './command.js';
import { list } from './options.js';
import { engineOptions } from './shared-options.js';

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
    ...engineOptions,
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
    const archs = [...new Set((options.arch.length > 0 ? options.arch : ['x86_64']).map(parseArchitecture))];
    // Every arch at once: arm64's debootstrap and apt run under QEMU, minutes on one core, and
    // x86_64's fit beside them. Their logs interleave, so each line says whose it is.
    const built = await runTogether(archs, ctx.signal, async (arch, signal) => ({
      arch,
      ...(await buildDebootstrapImages(definition as DebootstrapBase, dir, arch, engine, {
        sink: archs.length > 1 ? labelLogLines(ctx.sink, arch) : ctx.sink,
        signal,
        env: ctx.env,
      })),
    }));
    for (const { arch, ...tags } of built) {
      if (ctx.json) ctx.sink({ type: 'base.built', base: name, arch, ...tags });
      else ctx.print(`${name} ${arch}: ${tags.buildImage}, ${tags.runtimeImage}`);
    }
    return ExitCode.ok;
  },
});

/** The sink, with `arch` before each log line. */
function labelLogLines(sink: EventSink, arch: Architecture): EventSink {
  return (event) => sink(event.type === 'build.log' ? { ...event, line: `${arch}: ${event.line}` } : event);
}

export const command = defineCommand({
  name: 'base',
  summary: 'manage base image pairs: `base list`, `base build <name>`',
  json: false,
  // Never run: a group without its sub-command prints its help (see src/cli.ts).
  run: () => Promise.resolve(ExitCode.badInput),
  subcommands: [listBases, buildBase],
});
