import { resolve } from 'node:path';
import { ExitCode } from '../core/errors.js';
import { inspectLayerZip } from '../core/layer/inspect.js';
import type { LayerInspection } from '../core/layer/inspect.js';
import type { LayerProblem } from '../core/layer/inspect-problems.js';
import type { SizeEntry } from '../core/layer/size-types.js';
import { formatBytes, formatTable } from '../ui/format.js';
import { terminalText } from '../ui/terminal-text.js';
import { defineCommand } from './command.js';
import { text } from './options.js';

/** Plain output lists this many symlinks and problems of one code; --json lists them all. */
const SHOWN = 15;

export const command = defineCommand({
  name: 'inspect <zip>',
  summary: 'inspect any layer zip: sizes, largest packages, modes, symlinks, and what Lambda would get wrong',
  help: [
    'Works on zips not built by layerforge too. Exit codes: 0 no errors (warnings allowed),',
    "1 problems of error severity (over Lambda's 250 MB unzipped, escaping symlinks, unreadable",
    "files, packages outside the runtime's paths), 2 when the file is missing, not a zip, or a",
    'zip that lies about itself (sizes, overlapping entries, headers that disagree).',
    '',
    'Examples:',
    '  layerforge inspect dist/numpy.zip --runtime python3.12',
    '  layerforge inspect layer.zip --json | jq .problems',
  ].join('\n'),
  options: {
    runtime: text(
      '--runtime <id>',
      'check paths against this runtime (e.g. python3.12); default: what any runtime searches',
    ),
  },
  async run([zip = ''], options, ctx) {
    const { runtime } = options;
    const report = await inspectLayerZip(resolve(ctx.cwd, zip), { runtime, signal: ctx.signal });
    if (ctx.json) ctx.printJson({ ...report, zipPath: zip });
    // Entry names and link targets are anyone's bytes; each rendered line is one line.
    else for (const line of render(report, zip)) ctx.print(terminalText(line));
    return report.errors > 0 ? ExitCode.failure : ExitCode.ok;
  },
});

function render(report: LayerInspection, zip: string): string[] {
  const { size } = report;
  const share = ((size.unzippedBytes / size.limitBytes) * 100).toFixed(1);
  const lines = [
    `${zip}`,
    `  size: ${formatBytes(size.unzippedBytes)} unzipped (${share}% of Lambda's 250 MB), ${formatBytes(size.zippedBytes ?? 0)} zipped`,
    `  entries: ${report.entryCount} (${size.fileCount} files and symlinks)`,
    `  upload: ${size.needsS3 ? 'over 50 MB zipped: publish goes through S3' : 'fits the 50 MB direct upload'}`,
    `  checked against: ${report.runtime ?? 'any runtime'} (${(report.runtime ? report.searchedPaths : searchedSummary(report.searchedPaths)).join(', ')})`,
    '',
    'largest directories:',
    ...table(size.topDirectories),
    'largest packages:',
    ...table(size.topPackages),
    '',
    `modes: ${modesLine(report)}`,
  ];
  if (report.symlinks.length > 0) {
    lines.push(`symlinks (${report.symlinks.length}):`);
    for (const link of report.symlinks.slice(0, SHOWN)) {
      lines.push(`  ${link.path} -> ${link.target}${link.status === 'ok' ? '' : `  [${link.status}]`}`);
    }
    if (report.symlinks.length > SHOWN)
      lines.push(`  … and ${report.symlinks.length - SHOWN} more (--json lists all)`);
  }
  lines.push('', problemsTitle(report), ...problemLines(report.problems));
  return lines;
}

/** One line for the union over every runtime: `python/lib/python3.X/site-packages` once, not six times. */
function searchedSummary(paths: string[]): string[] {
  const generic = paths.map((p) =>
    p
      .replace(/python\d+\.\d+/, 'python3.X')
      .replace(/node\d+\//, 'nodeNN/')
      .replace(/\/\d+\.\d+\.0$/, '/X.Y.0'),
  );
  return [...new Set(generic)];
}

function table(entries: SizeEntry[]): string[] {
  if (entries.length === 0) return ['  (empty)'];
  const rows = entries.map((e) => [
    formatBytes(e.bytes).padStart(9),
    `${e.files} file${e.files === 1 ? '' : 's'}`.padStart(11),
    e.path,
  ]);
  return formatTable(rows)
    .split('\n')
    .map((line) => `  ${line}`);
}

function modesLine(report: LayerInspection): string {
  const counts = (record: Record<string, number>) =>
    Object.entries(record)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([mode, n]) => `${mode} ×${n}`)
      .join(', ') || 'none';
  const { modes } = report;
  const parts = [
    `files ${counts(modes.files)}`,
    `directories ${counts(modes.directories)}`,
    `symlinks ${modes.symlinks}`,
  ];
  if (modes.withoutUnixMode > 0) parts.push(`${modes.withoutUnixMode} without unix modes`);
  return parts.join(' · ');
}

function problemsTitle(report: LayerInspection): string {
  const infos = report.problems.length - report.errors - report.warnings;
  if (report.problems.length === 0) return 'problems: none';
  return `problems: ${report.errors} error(s), ${report.warnings} warning(s)${infos > 0 ? `, ${infos} note(s)` : ''}`;
}

function problemLines(problems: LayerProblem[]): string[] {
  const order = { error: 0, warning: 1, info: 2 } as const;
  const sorted = [...problems].sort((a, b) => order[a.severity] - order[b.severity]);
  const shown = new Map<string, number>();
  const lines: string[] = [];
  for (const problem of sorted) {
    const n = (shown.get(problem.code) ?? 0) + 1;
    shown.set(problem.code, n);
    if (n <= SHOWN) {
      lines.push(
        `  ${problem.severity}: ${problem.code}: ${problem.file}: ${problem.reason}`,
        `    hint: ${problem.hint}`,
      );
    }
  }
  for (const [code, n] of shown)
    if (n > SHOWN) lines.push(`  … and ${n - SHOWN} more ${code} (--json lists all)`);
  return lines;
}
