// Renders the record test/unit/builder/amazon-linux-plans.test.ts writes to
// __snapshots__/amazon-linux-plans.md: what each replayed build pulled, which containers it
// created or ran, and its plan.sh.
import { LABELS, type ContainerSpec } from '../../../src/core/engine/container-engine.js';
import type { Architecture, LambdaRuntime } from '../../../src/core/runtimes/catalog.js';
import type { OfficialImagesEngine, ReplayedRun } from '../../support/official-images-engine.js';

/** A container's purpose label: `build`, `prune`, `bytecode`, `runtime-libraries`, `smoke-test`. */
export const purpose = (spec: ContainerSpec) => spec.labels?.[LABELS.purpose] ?? '';

/**
 * One build's section of the record: its pulls, containers and plan.sh, with nothing that
 * changes from run to run (no host paths, ids, uids or core counts).
 */
export function describeReplay(
  c: { name: string; runtime: LambdaRuntime; arch: Architecture; buildShape: string; notes: string[] },
  engine: OfficialImagesEngine,
): string {
  const shape = [...engine.official.values()].find((i) => i.role === 'build')?.shape;
  const lines = [
    `## ${c.name} · ${c.runtime.id} · ${c.arch}`,
    '',
    `- OS: ${c.runtime.os.name} (glibc ${c.runtime.os.glibc})`,
    `- build image shape: ${c.buildShape} (${shape?.packageManager ?? '?'}; lacks ${shape?.tools.absent.join(', ') || 'nothing the model names'})`,
    ...c.notes.map((n) => `- ${n}`),
  ];
  lines.push('', 'Pulls:', '');
  for (const pull of engine.pulls) lines.push(`- \`${pull.reference}\` (${pull.platform})`);
  lines.push('', 'Containers:', '');
  for (const created of engine.created)
    lines.push(
      `- ${purpose(created)}: created from \`${created.image}\`, never started; read ${engine.copies.join(' ')}`,
    );
  const smokeTests = engine.replayed.filter((r) => purpose(r.spec) === 'smoke-test');
  for (const run of engine.replayed) if (!smokeTests.includes(run)) lines.push(...describeRun(run));
  const first = smokeTests[0]?.spec;
  if (first) {
    lines.push(
      `- smoke-test (\`--test\`, read, not run): ${smokeTests.length} × \`${first.image}\` (${first.platform ?? 'no platform'}): \`/bin/sh -c <test's run>\`, user ${first.user ?? 'root'}, network ${first.network ?? 'default'}, read-only root`,
    );
  }
  const plan = engine.replayed.find((r) => purpose(r.spec) === 'build')?.scripts[0];
  if (lines[lines.length - 1] !== '') lines.push('');
  lines.push('plan.sh:', '', '```sh', (plan?.text ?? '').trimEnd(), '```', '');
  return lines.join('\n');
}

function describeRun(run: ReplayedRun): string[] {
  const { spec } = run;
  const argv = [...(spec.entrypoint ?? []), ...spec.command];
  const command = argv[1] === '-c' ? `${argv.slice(0, 2).join(' ')} <script>` : argv.join(' ');
  const env = Object.entries(spec.env)
    .map(([k, v]) => `${k}=${k === 'JOBS' ? '<cores>' : v}`)
    .join(' ');
  const lines = [
    `- ${purpose(spec)}: ran \`${spec.image}\` (${spec.platform ?? 'no platform'}): \`${command}\``,
    `  - mounts: ${(spec.mounts ?? []).map((m) => `${m.containerPath}${m.readOnly ? ' (ro)' : ''}`).join(', ') || 'none'}`,
    `  - env: ${env || 'none'}`,
    `  - scripts read: ${run.scripts.map((s) => s.path).join(' → ')}`,
  ];
  if (run.refused) lines.push(`  - refused: \`${run.refused}\``);
  const inline = run.scripts.find((s) => s.path === 'sh -c');
  if (inline) lines.push('', '  ```sh', ...inline.text.split('\n').map((l) => `  ${l}`), '  ```', '');
  return lines;
}
