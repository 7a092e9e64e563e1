import { resolve } from 'node:path';
import { ExitCode } from '../core/errors.js';
import { isFileSync } from '../core/fs/is-file.js';
import { writeFileAtomic } from '../core/fs/atomic.js';
import { layerSbom, SBOM_FORMATS } from '../core/sbom/layer-sbom.js';
import { buildOptions, buildOptionsFrom, refuseSeveralTargets } from './build-options.js';
import { defineCommand } from './command.js';
import { choice, text } from './options.js';
import { engineOptions } from './shared-options.js';

export const command = defineCommand({
  name: 'sbom <target>',
  summary: 'write a software bill of materials (CycloneDX 1.6 or SPDX 2.3 JSON) for a layer zip or a recipe',
  help: [
    'The packages come from the manifest beside the zip: every wheel, npm package, OS package and source',
    'archive with its version, origin, digest and licence. A zip with no manifest is read for the wheels',
    'and npm packages it holds. A recipe is built first (or taken from the cache), as `layerforge build` does.',
    'The output is the same for the same zip: sorted, with no clock time unless SOURCE_DATE_EPOCH is set',
    'or the manifest records one.',
    '',
    'Examples:',
    '  layerforge sbom dist/pandas-2.3.3-python3.12-x86_64.zip > pandas.cdx.json',
    '  layerforge sbom pandas --runtime python3.12 --base debian12 --format spdx -o pandas.spdx.json',
  ].join('\n'),
  options: {
    format: choice('--format <format>', 'cyclonedx (default) or spdx', SBOM_FORMATS),
    output: text('-o, --output <file>', 'write the document to this file instead of stdout'),
    ...buildOptions,
    ...engineOptions,
  },
  async run([target = ''], options, ctx) {
    const isZip = /\.zip$/i.test(target) || isFileSync(resolve(ctx.cwd, target));
    let zipPath = resolve(ctx.cwd, target);
    if (!isZip) {
      refuseSeveralTargets(
        options,
        `sbom ${target}`,
        'write one SBOM per layer: one --runtime and one --arch',
      );
      const { buildLayer } = await import('../core/builder/build-layer.js');
      zipPath = (await buildLayer(await buildOptionsFrom(target, options, ctx), ctx.job)).zipPath;
    }
    const format = options.format ?? 'cyclonedx';
    const sbom = await layerSbom(zipPath, format, {
      sink: ctx.sink,
      env: ctx.env,
      signal: ctx.signal,
    });
    const summary = { zipPath, format, components: sbom.components, packagesFrom: sbom.packagesFrom };
    if (options.output === undefined) {
      // Plain: the document alone on stdout, for a pipe or a redirect. --json wraps it in a record.
      ctx.printJson(ctx.json ? { ...summary, sbom: sbom.document } : sbom.document);
      return ExitCode.ok;
    }
    await writeFileAtomic(resolve(ctx.cwd, options.output), sbom.text);
    if (ctx.json) ctx.printJson({ ...summary, output: options.output });
    else ctx.print(`${options.output}: ${sbom.components} package(s) from the ${sbom.packagesFrom}`);
    return ExitCode.ok;
  },
});
