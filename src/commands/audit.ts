import { stat } from 'node:fs/promises';
import { auditLayer } from '../core/audit/audit-layer.js';
import { countBySeverity } from '../core/audit/findings.js';
import { loadSystemLibrariesFile } from '../core/audit/system-libraries.js';
import { auditOsIds, resolveAuditTarget } from '../core/audit/target.js';
import type { AuditFinding, AuditSeverity, SystemLibraries } from '../core/audit/types.js';
import { standInSystemLibraries } from '../core/base-images/stand-in-libraries.js';
import { ExitCode, UserError } from '../core/errors.js';
import { manifestPathFor, readManifest } from '../core/layer/manifest.js';
import { ARCHITECTURES, parseArchitecture } from '../core/runtimes/catalog.js';
import type { Architecture } from '../core/runtimes/catalog.js';
import { terminalText } from '../ui/terminal-text.js';
import { defineCommand } from './command.js';
import { text } from './options.js';
import { engineOptions } from './shared-options.js';
import type { CommandContext } from './command.js';

const HEADINGS: Record<AuditSeverity, string> = { error: 'errors', warning: 'warnings', info: 'notes' };

export const command = defineCommand({
  name: 'audit <layer>',
  summary:
    'check a layer zip or folder for wrong-arch binaries, too-new glibc, missing .so files, Python ABI and layout problems',
  help: [
    'Reads every ELF file in the layer and checks it the way Lambda will load it from /opt:',
    'e_machine against --arch, GLIBC_/GLIBCXX_ versions against the OS, each DT_NEEDED through',
    'RPATH/RUNPATH ($ORIGIN), LD_LIBRARY_PATH and the runtime image, Python extension tags and',
    'wheel tags, search paths, file modes and symlinks. Exit 1 when it finds errors.',
    '',
    'The runtime and arch default to those in the manifest beside a zip built by layerforge.',
  ].join('\n'),
  options: {
    runtime: text('--runtime <id>', 'Lambda runtime the layer is for, e.g. python3.12'),
    arch: text('--arch <arch>', `${ARCHITECTURES.join(' or ')} (default: the manifest's, else x86_64)`),
    os: text('--os <id>', `audit against another OS than the runtime's: ${auditOsIds().join(', ')}`),
    systemLibraries: text(
      '--system-libraries <file>',
      'sonames the runtime image provides, one per line or `ldconfig -p` output (default for --os debian12: read from its runtime image)',
    ),
    // Only --os reads an image; the flags are there so it reaches the engine a build would.
    ...engineOptions,
  },
  async run([layer = ''], options, ctx) {
    const path = layer.startsWith('/') ? layer : `${ctx.cwd}/${layer}`;
    const defaults = await manifestDefaults(path);
    const runtime = options.runtime ?? defaults?.runtime;
    if (!runtime) {
      throw new UserError('which runtime is this layer for?', {
        hint: 'pass --runtime, e.g. --runtime python3.12',
      });
    }
    const archFlag = options.arch;
    const arch: Architecture = archFlag ? parseArchitecture(archFlag) : (defaults?.arch ?? 'x86_64');
    const { systemLibraries: listFile, os } = options;
    const systemLibraries: SystemLibraries | undefined = listFile
      ? await loadSystemLibrariesFile(listFile.startsWith('/') ? listFile : `${ctx.cwd}/${listFile}`, arch)
      : os
        ? await standInSystemLibraries(os, arch, await ctx.job.engine(), {
            env: ctx.env,
            signal: ctx.signal,
          })
        : undefined;
    const target = await resolveAuditTarget({
      runtime,
      arch,
      os,
      systemLibraries,
    });
    const result = await auditLayer(path, target, { signal: ctx.signal });
    const counts = countBySeverity(result.findings);
    if (ctx.json) {
      ctx.printJson({
        findings: result.findings,
        summary: {
          errors: counts.error,
          warnings: counts.warning,
          notes: counts.info,
          filesChecked: result.filesChecked,
          elfFiles: result.elfFiles,
          ms: result.ms,
          target: {
            runtime: target.runtime.id,
            arch: target.arch,
            os: target.os,
            systemLibraries: target.systemLibraries.source,
          },
        },
      });
    } else {
      render(ctx, layer, result.findings, target.os, target.systemLibraries.source, target.runtime.id, arch);
      ctx.print(
        `${counts.error > 0 ? '✗' : '✓'} ${counts.error} error(s), ${counts.warning} warning(s) in ${result.filesChecked} files` +
          ` (${result.elfFiles} ELF), ${result.ms} ms`,
      );
    }
    return counts.error > 0 ? ExitCode.failure : ExitCode.ok;
  },
});

/** The runtime and arch recorded in `<zip>.manifest.json`, when the zip has one. */
async function manifestDefaults(
  path: string,
): Promise<{ runtime: string | undefined; arch: Architecture } | undefined> {
  if (!path.toLowerCase().endsWith('.zip')) return undefined;
  const manifestPath = manifestPathFor(path);
  if (!(await stat(manifestPath).catch(() => undefined))) return undefined;
  const manifest = await readManifest(manifestPath);
  return { runtime: manifest.runtimes[0], arch: manifest.arch };
}

function render(
  ctx: CommandContext,
  layer: string,
  findings: AuditFinding[],
  os: { name: string; glibc: string },
  librariesSource: string,
  runtime: string,
  arch: string,
): void {
  // Findings quote paths, sonames and versions read from the layer's files: one line each.
  const print = (line: string) => ctx.print(terminalText(line));
  print(`audit ${layer} for ${runtime} on ${arch}: ${os.name}, glibc ${os.glibc}`);
  print(`system libraries: ${librariesSource}`);
  for (const severity of ['error', 'warning', 'info'] as const) {
    const group = findings.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    print('');
    print(`${HEADINGS[severity]} (${group.length}):`);
    for (const f of group) {
      print(`  ${f.file} [${f.code}]`);
      print(`    ${f.reason}`);
      print(`    hint: ${f.hint}`);
    }
  }
  print('');
}
