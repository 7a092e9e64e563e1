// The fake of AWS's official images (test/support/official-images-engine.ts) must itself be right
// for the Amazon Linux replay to mean anything: it refuses what the modelled images lack, and
// only that.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ContainerSpec } from '../../../src/core/engine/container-engine.js';
import {
  readRuntimeImageLibraries,
  readRuntimeLibraries,
} from '../../../src/core/engine/runtime-libraries.js';
import { OfficialImagesEngine } from '../../support/official-images-engine.js';
import { programRuns, shellCommands } from '../../support/shell-commands.js';
import { tempDir } from '../../support/temp-dir.js';

const AL2023_BUILD = 'public.ecr.aws/sam/build-provided.al2023:latest-x86_64';
const PYTHON312_BUILD = 'public.ecr.aws/sam/build-python3.12:latest-arm64';
const AL2_BUILD = 'public.ecr.aws/sam/build-provided.al2:latest-x86_64';

let work: string;
beforeEach(async () => {
  work = await tempDir('layerforge-official-fake-');
});

async function pulled(...references: string[]): Promise<OfficialImagesEngine> {
  const engine = new OfficialImagesEngine();
  for (const reference of references) {
    const arch = reference.endsWith('arm64') ? 'linux/arm64' : 'linux/amd64';
    await engine.pullImage(reference, arch, () => {});
  }
  return engine;
}

/** Runs `/bin/sh /layerforge/plan.sh` with this plan, and the recipe's build.sh at /recipe. */
async function runPlan(engine: OfficialImagesEngine, image: string, plan: string, buildSh = '') {
  await writeFile(join(work, 'plan.sh'), plan);
  await writeFile(join(work, 'build.sh'), buildSh);
  const lines: string[] = [];
  const spec: ContainerSpec = {
    image,
    entrypoint: ['/bin/sh'],
    command: ['/layerforge/plan.sh'],
    env: {},
    mounts: [
      { hostPath: work, containerPath: '/layerforge', readOnly: true },
      { hostPath: work, containerPath: '/recipe', readOnly: true },
    ],
  };
  const run = await engine.runContainer(spec, (line) => lines.push(line));
  return { exitCode: run.exitCode, lines };
}

const RUNS_BUILD_SH =
  "if command -v bash >/dev/null; then bash '/recipe/build.sh'; else sh '/recipe/build.sh'; fi\n";

describe('OfficialImagesEngine', () => {
  it('pulls a per-arch tag as an image of that arch, and refuses other names and platforms', async () => {
    const engine = await pulled(PYTHON312_BUILD);
    expect(await engine.inspectImage(PYTHON312_BUILD)).toMatchObject({ architecture: 'arm64' });
    await expect(
      engine.pullImage('public.ecr.aws/sam/build-python3.12:latest', 'linux/amd64', () => {}),
    ).rejects.toThrow(/manifest unknown/);
    await expect(engine.pullImage(AL2023_BUILD, 'linux/arm64', () => {})).rejects.toThrow(
      /does not match the specified platform: wanted linux\/arm64, actual: linux\/amd64/,
    );
  });

  it("gives a runtime image its OS's libraries and the runtime's private ones in /var/lang/lib", async () => {
    const node = 'public.ecr.aws/lambda/nodejs:22-arm64';
    const engine = await pulled(node);
    const cacheDir = join(work, 'cache');
    const libraries = await readRuntimeLibraries(engine, node, { cacheDir });
    expect(libraries).toContain('libc.so.6');
    expect(libraries).toContain('ld-linux-aarch64.so.1');
    expect(libraries).not.toContain('ld-linux-x86-64.so.2');
    // Node's OpenSSL shadows the OS's: neither counts as provided to a layer.
    expect(libraries).not.toContain('libssl.so.3');
    expect((await readRuntimeImageLibraries(engine, node, { cacheDir })).shadowing).toEqual([
      'libcrypto.so.3',
      'libssl.so.3',
    ]);
    expect(engine.runs).toEqual([]);

    const python = 'public.ecr.aws/lambda/python:3.11-x86_64';
    await engine.pullImage(python, 'linux/amd64', () => {});
    expect(engine.fileSystems.get(python)).toHaveProperty(['/var/lang/lib/libpython3.11.so.1.0']);
  });

  it('refuses find in an AL2023 build image, with the line a shell prints', async () => {
    const engine = await pulled(AL2023_BUILD);
    const lines: string[] = [];
    const run = await engine.runContainer(
      {
        image: AL2023_BUILD,
        entrypoint: ['/bin/sh', '-c'],
        command: ['cd /opt && find . -name "*.so"'],
        env: {},
      },
      (line) => lines.push(line),
    );
    expect(run.exitCode).toBe(127);
    expect(lines).toEqual(['sh: 1: find: not found']);
    expect(engine.refusals).toHaveLength(1);
  });

  it("follows plan.sh into the recipe's script and names its line", async () => {
    const engine = await pulled(AL2023_BUILD);
    const buildSh =
      '#!/bin/sh\nset -eu\n# find would be nice here\necho "no find; at all"\nls /opt | xargs -n1 echo\n';
    const result = await runPlan(engine, AL2023_BUILD, `set -eu\n${RUNS_BUILD_SH}`, buildSh);
    expect(result).toEqual({ exitCode: 127, lines: ['/recipe/build.sh: 5: xargs: not found'] });
  });

  it('accepts find once the same plan installed findutils', async () => {
    const engine = await pulled(PYTHON312_BUILD);
    const buildSh = 'installed=$(dirname "$(find /tmp -name R | head -n 1)")\n';
    const before = await runPlan(engine, PYTHON312_BUILD, RUNS_BUILD_SH, buildSh);
    expect(before.lines).toEqual(['/recipe/build.sh: 1: find: not found']);
    const after = await runPlan(
      engine,
      PYTHON312_BUILD,
      `dnf install -y 'findutils' 'gcc'\n${RUNS_BUILD_SH}`,
      buildSh,
    );
    expect(after).toEqual({ exitCode: 0, lines: [] });
  });

  it('accepts find on AL2, and refuses a package manager the image does not have', async () => {
    const engine = await pulled(AL2_BUILD, AL2023_BUILD);
    expect(
      (await runPlan(engine, AL2_BUILD, RUNS_BUILD_SH, 'find /opt -type f | xargs strip\n')).exitCode,
    ).toBe(0);
    expect((await runPlan(engine, AL2023_BUILD, "yum install -y 'jq'\n")).lines).toEqual([
      '/layerforge/plan.sh: 1: yum: not found',
    ]);
    expect((await runPlan(engine, AL2023_BUILD, "microdnf install -y 'jq'\n")).exitCode).toBe(0);
  });
});

describe('shellCommands and programRuns', () => {
  const programs = (text: string) =>
    shellCommands(text).flatMap((c) => programRuns(c).map((r) => `${r.line}:${r.program}`));

  it('finds programs after separators, keywords, substitutions and xargs', () => {
    expect(
      programs(
        [
          'set -eu',
          'if [ -e x ]; then tar -xzf a.tgz && make || exit 1; fi',
          'for f in a b; do LANG=C sort "$f" | uniq; done',
          'x=`uname -m` y="$(dirname "$(readlink -f z)")"',
          'find . -print0 | xargs -0 -n 1 strip',
          '{ echo a; } >> out',
          'command -v find >/dev/null || env FOO=1 /usr/bin/awk 1',
        ].join('\n'),
      ),
    ).toEqual([
      '1:set',
      '2:[',
      '2:tar',
      '2:make',
      '2:exit',
      '3:sort',
      '3:uniq',
      '4:uname',
      '4:readlink',
      '4:dirname',
      '5:find',
      '5:xargs',
      '5:strip',
      '6:echo',
      '7:awk',
    ]);
  });

  it('keeps only the case arm that runs when the environment sets the subject', () => {
    const script = [
      'case "$LAYERFORGE_OS" in',
      'debian12)',
      '  dpkg -L libssl3 | grep so',
      '  ;;',
      'al2023 | al2)',
      '  case "${LAYERFORGE_ARCH:-x86_64}" in x86_64) uname ;; *) nproc ;; esac',
      '  ls',
      '  ;;',
      '*) exit 3 ;;',
      'esac',
      'case "$item" in bin:*) cp ;; lib:*) ln ;; esac',
    ].join('\n');
    const programs = (env: Record<string, string>) =>
      shellCommands(script, env).flatMap((c) => programRuns(c).map((r) => r.program));
    expect(programs({ LAYERFORGE_OS: 'al2' })).toEqual(['uname', 'ls', 'cp', 'ln']);
    expect(programs({ LAYERFORGE_OS: 'al2023', LAYERFORGE_ARCH: 'arm64' })).toEqual([
      'nproc',
      'ls',
      'cp',
      'ln',
    ]);
    expect(programs({ LAYERFORGE_OS: 'debian12' })).toEqual(['dpkg', 'grep', 'cp', 'ln']);
    // Not set: any arm may run, unless the word gives a default.
    expect(programs({})).toEqual(['dpkg', 'grep', 'uname', 'ls', 'exit', 'cp', 'ln']);
  });

  it('does not take quoted text, comments or here-documents for programs', () => {
    expect(
      programs(
        [
          `echo 'find; xargs' "it's no find | here" # find`,
          "cat > f <<'EOF'",
          'find / -delete',
          'EOF',
          'printf "%s\\n" done',
        ].join('\n'),
      ),
    ).toEqual(['1:echo', '2:cat', '5:printf']);
  });
});
