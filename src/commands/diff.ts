import { resolve } from 'node:path';
import { ExitCode } from '../core/errors.js';
import { diffLayers, type LayerDiff } from '../core/layer/diff.js';
import type { SizeChange } from '../core/layer/diff-sizes.js';
import { formatBytes, formatTable } from '../ui/format.js';
import { terminalText } from '../ui/terminal-text.js';
import { defineCommand } from './command.js';

export const command = defineCommand({
  name: 'diff <a> <b>',
  summary: 'compare two layer zips: packages added, removed or upgraded, and where the size went',
  help: [
    "Packages come from each zip's manifest (wheels, npm packages, OS packages, source archives), or",
    "from the wheels' and npm packages' own metadata in a zip that has none. Sizes are the zips'",
    'totals and the largest changes by package folder and by file.',
    '',
    'Examples:',
    '  layerforge diff dist/old/pandas-2.2.3-python3.11-x86_64.zip dist/pandas-2.3.3-python3.11-x86_64.zip',
    '  layerforge diff a.zip b.zip --json | jq .packages',
  ].join('\n'),
  async run([a = '', b = ''], _options, ctx) {
    const diff = await diffLayers(resolve(ctx.cwd, a), resolve(ctx.cwd, b), {
      sink: ctx.sink,
      signal: ctx.signal,
    });
    if (ctx.json) ctx.printJson({ ...diff, a: { ...diff.a, zipPath: a }, b: { ...diff.b, zipPath: b } });
    // Package names and paths are anyone's bytes: each rendered line is one line.
    else for (const line of render(diff, a, b)) ctx.print(terminalText(line));
    return ExitCode.ok;
  },
});

const signed = (bytes: number) => `${bytes >= 0 ? '+' : '-'}${formatBytes(Math.abs(bytes))}`;

function render(diff: LayerDiff, a: string, b: string): string[] {
  const lines = [
    `${a} → ${b}`,
    `  unzipped: ${formatBytes(diff.a.unzippedBytes)} → ${formatBytes(diff.b.unzippedBytes)} (${signed(diff.b.unzippedBytes - diff.a.unzippedBytes)})`,
    `  zipped:   ${formatBytes(diff.a.zippedBytes)} → ${formatBytes(diff.b.zippedBytes)} (${signed(diff.b.zippedBytes - diff.a.zippedBytes)})`,
    `  files:    ${diff.a.files} → ${diff.b.files}`,
    '',
  ];
  if (diff.packages.length === 0) lines.push('packages: no changes');
  else {
    lines.push(`packages (${diff.packages.length} changed):`);
    const rows = diff.packages.map((p) => [
      p.change === 'added' ? '+' : p.change === 'removed' ? '-' : '~',
      p.ecosystem,
      p.name,
      p.change === 'added' ? (p.to ?? '') : p.change === 'removed' ? (p.from ?? '') : `${p.from} → ${p.to}`,
    ]);
    lines.push(...indent(formatTable(rows)));
  }
  lines.push('', 'largest size changes by folder:', ...sizeRows(diff.folders));
  lines.push('largest size changes by file:', ...sizeRows(diff.files));
  return lines;
}

function sizeRows(changes: SizeChange[]): string[] {
  if (changes.length === 0) return ['  (none)'];
  return indent(formatTable(changes.map((c) => [signed(c.delta).padStart(10), c.path])));
}

function indent(table: string): string[] {
  return table.split('\n').map((line) => `  ${line}`);
}
