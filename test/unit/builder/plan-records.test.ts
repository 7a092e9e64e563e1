import { spawnSync } from 'node:child_process';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILD_META_DIR, buildPlan } from '../../../src/core/builder/plan.js';
import { parseRpmQuery, rpmPackages } from '../../../src/core/sbom/os-packages.js';
import { getRuntime } from '../../../src/core/runtimes/catalog.js';
import { tempDir } from '../../support/temp-dir.js';
import { handBase, makeRecipe } from './helpers.js';

const recipe = makeRecipe({
  runtimes: ['python3.11'],
  install: { packages: { al2023: ['jq'], debian12: ['jq'] }, python: { requirements: ['six==1.17.0'] } },
  export: { binaries: ['jq'] },
});

/** The plan's rpm block: from `if command -v rpm` to its closing `fi`. */
function rpmBlock(plan: string): string {
  const lines = plan.split('\n');
  const start = lines.indexOf('if command -v rpm >/dev/null 2>&1; then');
  const end = lines.indexOf('fi', start);
  if (start < 0 || end < 0) throw new Error(`no rpm block in:\n${plan}`);
  return lines.slice(start, end + 1).join('\n');
}

// rpm as Amazon Linux's prints it: -qa in the plan's format; -qf one line per path, "file … is
// not owned by any package" (on stdout, exit 1) for a path no package owns.
const FAKE_RPM = `#!/bin/sh
case "$1" in
  -qa) printf 'jq\\t(none)\\t1.7.1\\t49.amzn2023.0.2\\tx86_64\\tMIT\\noniguruma\\t(none)\\t6.9.7.1\\t1.amzn2023.0.3\\tx86_64\\tBSD\\n' ;;
  -qf)
    shift 3
    status=0
    for path in "$@"; do
      case "$path" in
        /usr/bin/jq) echo jq ;;
        /usr/lib64/libonig.so.5*) echo oniguruma ;;
        *) echo "file $path is not owned by any package"; status=1 ;;
      esac
    done
    exit $status ;;
esac
`;

describe('the build plan leaves records for the manifest', () => {
  it('asks pip for its install report in the meta folder, outside /opt', () => {
    const plan = buildPlan(recipe, getRuntime('python3.11'), handBase('debian12'));
    const pip = plan.split('\n').find((l) => l.startsWith('python3 -m pip install')) ?? '';
    expect(pip).toContain('--target /opt/python ');
    expect(pip).toContain(` --report ${BUILD_META_DIR}/python-report.json `);
    expect(plan).toContain(`mkdir -p /opt "$WORK" ${BUILD_META_DIR}`);
    expect(BUILD_META_DIR.startsWith('/opt')).toBe(false);
  });

  it('queries rpm on Amazon Linux only: Debian is read from dpkg files instead', () => {
    expect(buildPlan(recipe, getRuntime('python3.11'), handBase('debian12'))).not.toContain('rpm -q');
    for (const os of ['al2023', 'al2'] as const) {
      const plan = buildPlan(recipe, getRuntime('python3.11'), handBase(os));
      expect(plan).toContain('rpm -qa');
      // After the export, whose records it reads.
      expect(plan.indexOf('rpm -qa')).toBeGreaterThan(plan.indexOf('export-closure.sh'));
      const check = spawnSync('sh', ['-n'], { input: plan, encoding: 'utf8' });
      expect(`${check.status}${check.stderr}`).toBe('0');
    }
  });

  it('writes every installed rpm and the owner of each exported file, skipping unowned paths', async () => {
    const dir = await tempDir('layerforge-rpm-');
    const bin = join(dir, 'bin');
    const meta = join(dir, 'meta');
    spawnSync('mkdir', ['-p', bin, meta]);
    await writeFile(join(bin, 'rpm'), FAKE_RPM);
    await chmod(join(bin, 'rpm'), 0o755);
    await writeFile(
      join(meta, 'exported.tsv'),
      [
        'bin/jq\t/usr/bin/jq\t/usr/bin/jq',
        'lib/libonig.so.5\t/lib64/libonig.so.5\t/usr/lib64/libonig.so.5.1.0',
        'bin/built\t/opt/bin/built\t/opt/bin/built',
        '',
      ].join('\n'),
    );
    const block = rpmBlock(buildPlan(recipe, getRuntime('python3.11'), handBase('al2023'))).replaceAll(
      BUILD_META_DIR,
      meta,
    );
    const run = spawnSync('sh', ['-c', `set -eu\n${block}`], {
      encoding: 'utf8',
      env: { PATH: `${bin}:${process.env.PATH ?? ''}` },
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const owners = await readFile(join(meta, 'os-owners.tsv'), 'utf8');
    expect(owners).toBe('bin/jq\tjq\nbin/jq\tjq\nlib/libonig.so.5\toniguruma\n');
    const qa = await readFile(join(meta, 'os-packages.txt'), 'utf8');
    const packages = rpmPackages(
      ['bin/jq', 'lib/libonig.so.5', 'bin/built'],
      owners,
      parseRpmQuery(qa),
      'al2023',
    );
    expect(packages.map((p) => `${p.name} ${p.version} ${p.files.join(',')}`)).toEqual([
      'jq 1.7.1-49.amzn2023.0.2 bin/jq',
      'oniguruma 6.9.7.1-1.amzn2023.0.3 lib/libonig.so.5',
    ]);
  });
});
