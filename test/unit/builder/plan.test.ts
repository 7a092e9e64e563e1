import { spawnSync } from 'node:child_process';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildEnvironment,
  buildPlan,
  manylinuxPlatforms,
  shellQuote,
} from '../../../src/core/builder/plan.js';
import { getRuntime } from '../../../src/core/runtimes/catalog.js';
import { tempDir } from '../../support/temp-dir.js';
import { handBase, makeRecipe } from './helpers.js';

/** Runs a shell script with sh; the plan needs $WORK, which the container's environment gives. */
async function runPlan(script: string): Promise<{ status: number | null; stderr: string }> {
  const work = await tempDir('layerforge-plan-');
  const result = spawnSync('sh', ['-c', script], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, WORK: work },
  });
  return { status: result.status, stderr: result.stderr };
}

function syntaxErrors(script: string): string {
  const result = spawnSync('sh', ['-n'], { input: script, encoding: 'utf8' });
  return `${result.status}${result.stderr}`;
}

describe('shellQuote', () => {
  it.each([
    ['plain'],
    ['two words'],
    ["it's"],
    ["''"],
    ['$HOME and ${PATH}'],
    ['`id` and $(id)'],
    ['"double" \\ back\\slash'],
    ['*?[a]; rm -rf /; echo &'],
    ['line one\nline two'],
    ['-n'],
    [''],
  ])('round-trips %j through sh', (value) => {
    const result = spawnSync('sh', ['-c', `printf %s ${shellQuote(value)}`], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(value);
  });

  it('wraps in single quotes and escapes embedded ones', () => {
    expect(shellQuote("a'b")).toBe("'a'\\''b'");
  });
});

describe('manylinuxPlatforms', () => {
  it('lists every tag a glibc 2.26 x86_64 system loads, newest first', () => {
    expect(manylinuxPlatforms('2.26', 'x86_64')).toEqual([
      'manylinux_2_26_x86_64',
      'manylinux_2_25_x86_64',
      'manylinux_2_24_x86_64',
      'manylinux_2_23_x86_64',
      'manylinux_2_22_x86_64',
      'manylinux_2_21_x86_64',
      'manylinux_2_20_x86_64',
      'manylinux_2_19_x86_64',
      'manylinux_2_18_x86_64',
      'manylinux_2_17_x86_64',
      'manylinux2014_x86_64',
      'manylinux2010_x86_64',
      'manylinux1_x86_64',
    ]);
  });

  it('has no manylinux2010 or manylinux1 tags for aarch64, which those policies never covered', () => {
    const tags = manylinuxPlatforms('2.26', 'aarch64');
    expect(tags).toHaveLength(11);
    expect(tags[0]).toBe('manylinux_2_26_aarch64');
    expect(tags.at(-2)).toBe('manylinux_2_17_aarch64');
    expect(tags.at(-1)).toBe('manylinux2014_aarch64');
  });

  it('starts at the glibc given: 2.34 for Amazon Linux 2023', () => {
    const tags = manylinuxPlatforms('2.34', 'x86_64');
    expect(tags[0]).toBe('manylinux_2_34_x86_64');
    expect(tags).not.toContain('manylinux_2_35_x86_64');
    expect(tags).toContain('manylinux_2_17_x86_64');
  });
});

describe('buildPlan: OS packages', () => {
  const recipe = makeRecipe({
    install: { packages: { al2023: ['libpq', 'zlib'], debian12: ['libpq5', 'zlib1g'] }, script: 'build.sh' },
  });

  it('installs with apt on debian12', () => {
    const plan = buildPlan(recipe, getRuntime('provided.al2023'), handBase('debian12'));
    const lines = plan.split('\n');
    expect(lines).toContain('apt-get update -qq');
    expect(lines).toContain("apt-get install -y --no-install-recommends 'libpq5' 'zlib1g'");
    expect(plan).not.toMatch(/dnf|yum/);
  });

  it('installs with dnf on al2023', () => {
    const plan = buildPlan(recipe, getRuntime('provided.al2023'), handBase('al2023'));
    expect(plan.split('\n')).toContain("dnf install -y 'libpq' 'zlib'");
    expect(plan).not.toContain('apt-get');
  });

  it('installs with microdnf where the build image has only microdnf (sam/build-provided.al2023)', () => {
    const plan = buildPlan(recipe, getRuntime('provided.al2023'), {
      ...handBase('al2023'),
      packageManager: 'microdnf',
    });
    expect(plan.split('\n')).toContain("microdnf install -y 'libpq' 'zlib'");
  });

  it('fails the build with exit 3 when the recipe lists no packages for the base OS', async () => {
    const plan = buildPlan(recipe, getRuntime('provided.al2'), handBase('al2'));
    const lines = plan.split('\n');
    const exit = lines.indexOf('exit 3');
    expect(exit).toBeGreaterThan(0);
    expect(lines[exit - 1]).toBe("echo 'layerforge: the recipe lists no packages for al2' >&2");
    expect(plan).not.toContain('yum install');
    expect(await runPlan(plan)).toEqual({
      status: 3,
      stderr: 'layerforge: the recipe lists no packages for al2\n',
    });
  });

  it('has no package step when the recipe lists no packages', () => {
    const plan = buildPlan(makeRecipe(), getRuntime('provided.al2023'), handBase('al2023'));
    expect(plan).not.toMatch(/apt-get|dnf|yum|exit 3/);
  });
});

describe('buildPlan: Python requirements', () => {
  const recipe = makeRecipe({
    runtimes: ['python3.11', 'python3.12'],
    install: { python: { requirements: ['msgpack==1.1.0', 'numpy>=2; python_version >= "3.9"'] } },
  });

  /** The lines of the requirements file the plan writes with a heredoc. */
  function requirementsFile(plan: string): string[] {
    const lines = plan.split('\n');
    const start = lines.findIndex((l) => l.startsWith('cat > "$WORK/requirements.txt"'));
    const end = lines.indexOf('.layerforge-requirements', start);
    return lines.slice(start + 1, end);
  }

  /** The pip command line, split into words (the quoted requirements kept whole). */
  function pipLine(plan: string): string {
    const line = plan.split('\n').find((l) => l.startsWith('python3 -m pip install'));
    if (!line) throw new Error(`no pip line in:\n${plan}`);
    return line;
  }

  it('targets /opt/python for the runtime’s Python, with tags from the runtime’s glibc, not the base’s', () => {
    // python3.11 runs on Amazon Linux 2 (glibc 2.26); the debian12 stand-in has glibc 2.36.
    const plan311arm = buildPlan(recipe, getRuntime('python3.11'), handBase('debian12', 'arm64'));
    const line = pipLine(plan311arm);
    expect(line).toContain('--target /opt/python ');
    expect(line).toContain('--only-binary=:all: --implementation cp --python-version 3.11 --abi cp311');
    const platforms = [...line.matchAll(/--platform (\S+)/g)].map((m) => m[1]);
    expect(platforms).toEqual(manylinuxPlatforms('2.26', 'aarch64'));
    expect(line).not.toContain('manylinux_2_36');
    expect(line.endsWith(`--report /layerforge-meta/python-report.json -r "$WORK/requirements.txt"`)).toBe(
      true,
    );
    expect(requirementsFile(plan311arm)).toEqual(['msgpack==1.1.0', 'numpy>=2; python_version >= "3.9"']);
  });

  it('follows the runtime: python3.12 gets cp312 and Amazon Linux 2023’s glibc on x86_64', () => {
    const line = pipLine(buildPlan(recipe, getRuntime('python3.12'), handBase('al2023')));
    expect(line).toContain('--python-version 3.12 --abi cp312');
    const platforms = [...line.matchAll(/--platform (\S+)/g)].map((m) => m[1]);
    expect(platforms).toEqual(manylinuxPlatforms('2.34', 'x86_64'));
  });

  it('builds sdists by the build image’s Python, still for the target’s tags, when binaryOnly is false', () => {
    const sdist = makeRecipe({
      runtimes: ['python3.12'],
      install: { python: { requirements: ['pure-thing==1.0'], binaryOnly: false } },
    });
    const plan = buildPlan(sdist, getRuntime('python3.12'), handBase('al2023'));
    // Wheels for the target first; when one is missing, resolved by the build image's Python (the
    // official images' is the runtime's) and installed pin by pin with the target's tags: pip
    // accepts sdists there only under --no-deps.
    expect(plan).toMatch(
      /^if ! python3 -m pip install .*--only-binary=:all: --implementation cp --python-version 3\.12 /m,
    );
    expect(plan).toContain('--dry-run --ignore-installed --quiet --report "$WORK/resolved.json"');
    const pinned = plan.split('\n').find((l) => l.includes('pinned.txt') && l.includes('--target')) ?? '';
    expect(pinned).not.toContain('--only-binary');
    expect(pinned).toContain('--no-deps --implementation cp --python-version 3.12 --abi cp312');
  });
});

describe('buildPlan: script and export', () => {
  it('picks the script written for the base OS', () => {
    const recipe = makeRecipe({
      install: { script: { al2023: 'build-al.sh', debian12: 'build-debian.sh' } },
    });
    const onDebian = buildPlan(recipe, getRuntime('provided.al2023'), handBase('debian12'));
    const onAl2023 = buildPlan(recipe, getRuntime('provided.al2023'), handBase('al2023'));
    expect(onDebian).toContain("bash '/recipe/build-debian.sh'");
    expect(onDebian).not.toContain('build-al.sh');
    expect(onAl2023).toContain("bash '/recipe/build-al.sh'");
    expect(onAl2023).not.toContain('build-debian.sh');
  });

  it('exits 3 when no script is written for the base OS', async () => {
    const recipe = makeRecipe({ install: { script: { al2023: 'build-al.sh' } } });
    const plan = buildPlan(recipe, getRuntime('provided.al2'), handBase('al2'));
    expect(plan).toContain("echo 'layerforge: the recipe has no build script for al2' >&2\nexit 3");
    expect((await runPlan(plan)).status).toBe(3);
  });

  it('runs one script on every OS, from $WORK, with bash when there is one', () => {
    const plan = buildPlan(makeRecipe(), getRuntime('provided.al2023'), handBase('al2'));
    expect(plan).toContain(
      `cd "$WORK"\nif command -v bash >/dev/null; then bash '/recipe/build.sh'; else sh '/recipe/build.sh'; fi`,
    );
  });

  it('exports binaries, libraries and data folders, quoted', () => {
    const recipe = makeRecipe({
      export: {
        binaries: ['psql'],
        libraries: ['libpq.so.5'],
        data: [{ from: '/usr/share/proj', to: 'share/proj' }],
      },
    });
    const plan = buildPlan(recipe, getRuntime('provided.al2023'), handBase('al2023'));
    expect(plan.split('\n')).toContain(
      "sh /layerforge/export-closure.sh /layerforge/runtime-libraries.txt 'bin:psql' 'lib:libpq.so.5' 'data:/usr/share/proj:share/proj'",
    );
  });

  it('ends the export line with its last argument when the recipe exports nothing by name', () => {
    const plan = buildPlan(makeRecipe(), getRuntime('provided.al2023'), handBase('al2023'));
    expect(plan.split('\n')).toContain('sh /layerforge/export-closure.sh /layerforge/runtime-libraries.txt');
  });

  it('runs packages, then pip, then the script, then the export, in a strict shell', () => {
    const recipe = makeRecipe({
      runtimes: ['python3.12'],
      install: {
        packages: { al2023: ['libpq'] },
        python: { requirements: ['psycopg==3.2.3'] },
        script: 'build.sh',
      },
    });
    const plan = buildPlan(recipe, getRuntime('python3.12'), handBase('al2023'));
    const at = (text: string) => plan.indexOf(text);
    expect(plan.startsWith('#!/bin/sh\n')).toBe(true);
    expect(at('set -eu')).toBeGreaterThan(0);
    expect(at('dnf install')).toBeGreaterThan(at('set -eu'));
    expect(at('python3 -m pip install')).toBeGreaterThan(at('dnf install'));
    expect(at("bash '/recipe/build.sh'")).toBeGreaterThan(at('python3 -m pip install'));
    expect(at('export-closure.sh')).toBeGreaterThan(at("bash '/recipe/build.sh'"));
    expect(plan.endsWith('echo "layerforge: build steps done"\n')).toBe(true);
    expect(syntaxErrors(plan)).toBe('0');
  });
});

describe('buildEnvironment', () => {
  it('gives a python build the runtime’s Python version and the base’s OS and glibc', () => {
    expect(buildEnvironment(getRuntime('python3.12'), handBase('al2023', 'arm64'), 4)).toEqual({
      PREFIX: '/opt',
      JOBS: '4',
      WORK: '/tmp/layerforge-work',
      SOURCES: '/sources',
      RECIPE_DIR: '/recipe',
      LAYERFORGE_RUNTIME: 'python3.12',
      LAYERFORGE_RUNTIME_FAMILY: 'python',
      LAYERFORGE_ARCH: 'arm64',
      LAYERFORGE_OS: 'al2023',
      LAYERFORGE_GLIBC: '2.34',
      PYTHON_VERSION: '3.12',
      PKG_CONFIG_PATH: '/opt/lib/pkgconfig',
      PIP_BREAK_SYSTEM_PACKAGES: '1',
    });
  });

  it('has no PYTHON_VERSION for other runtimes', () => {
    const env = buildEnvironment(getRuntime('provided.al2023'), handBase('debian12'), 2);
    expect(env).not.toHaveProperty('PYTHON_VERSION');
    expect(env).toMatchObject({
      LAYERFORGE_RUNTIME_FAMILY: 'provided',
      LAYERFORGE_OS: 'debian12',
      JOBS: '2',
    });
  });
});

describe('buildPlan: npm packages', () => {
  const packages = makeRecipe({
    runtimes: ['nodejs22.x', 'nodejs24.x'],
    install: { node: { packages: ['sharp@0.34.5', '@img/colour@1.0.0'] } },
  });
  const project = makeRecipe({ runtimes: ['nodejs22.x'], install: { node: { project: 'app' } } });

  /**
   * Runs the plan's npm part under sh with /opt/nodejs and /recipe moved into a temporary folder
   * and a stand-in `npm` on PATH that records where it ran and with what: the branch taken
   * (npm ci or npm install) is the shell's, not a reading of the text.
   */
  async function runNodeStep(plan: string, lockFile: boolean): Promise<{ calls: string[]; files: string[] }> {
    const root = await tempDir('layerforge-plan-node-');
    const bin = join(root, 'bin');
    await mkdir(join(root, 'recipe', 'app'), { recursive: true });
    await mkdir(bin);
    await writeFile(join(root, 'recipe', 'app', 'package.json'), '{"dependencies":{"sharp":"0.34.5"}}');
    if (lockFile) await writeFile(join(root, 'recipe', 'app', 'package-lock.json'), '{"lockfileVersion":3}');
    await writeFile(join(bin, 'npm'), `#!/bin/sh\necho "$PWD $*" >> ${shellQuote(join(root, 'calls'))}\n`, {
      mode: 0o755,
    });
    const lines = plan.split('\n');
    const start = lines.findIndex((l) => l.startsWith("echo 'layerforge: npm"));
    const end = lines.findIndex((l) => l.startsWith('echo "layerforge: exporting'));
    const script = ['set -eu', ...lines.slice(start, end)]
      .join('\n')
      .replaceAll('/opt/nodejs', join(root, 'opt', 'nodejs'))
      .replaceAll('/recipe/', `${join(root, 'recipe')}/`);
    const result = spawnSync('sh', ['-c', script], {
      encoding: 'utf8',
      env: { PATH: `${bin}:${process.env.PATH ?? ''}`, WORK: join(root, 'work') },
    });
    expect(result.status, result.stderr).toBe(0);
    const calls = (await readFile(join(root, 'calls'), 'utf8')).trim().split('\n');
    return {
      calls: calls.map((c) => c.replace(join(root, 'opt'), '/opt').replace(join(root, 'work'), '$WORK')),
      files: (await readdir(join(root, 'opt', 'nodejs'))).sort(),
    };
  }

  it('installs npm specs into /opt/nodejs/node_modules for linux, the target CPU and glibc, without dev dependencies', async () => {
    const plan = buildPlan(packages, getRuntime('nodejs22.x'), handBase('al2023'));
    expect(syntaxErrors(plan)).toBe('0');
    const { calls, files } = await runNodeStep(plan, false);
    expect(calls).toEqual([
      '/opt/nodejs install --os=linux --cpu=x64 --libc=glibc --omit=dev --no-audit --no-fund --cache $WORK/npm-cache --save sharp@0.34.5 @img/colour@1.0.0',
    ]);
    expect(files).toEqual(['package.json']);
    expect(plan).toContain("echo 'layerforge: npm for Node 22, linux x64, glibc ≤ 2.34'");
  });

  it('names the arm64 CPU as npm does, whatever the build machine is', async () => {
    const plan = buildPlan(packages, getRuntime('nodejs24.x'), handBase('debian12', 'arm64'));
    const { calls } = await runNodeStep(plan, false);
    expect(calls[0]).toContain(' --os=linux --cpu=arm64 --libc=glibc --omit=dev ');
    expect(plan).toContain('npm for Node 24, linux arm64');
  });

  it('runs npm ci on a project folder that has package-lock.json, copying both files to nodejs/', async () => {
    const plan = buildPlan(project, getRuntime('nodejs22.x'), handBase('debian12'));
    expect(syntaxErrors(plan)).toBe('0');
    const { calls, files } = await runNodeStep(plan, true);
    expect(calls).toEqual([
      '/opt/nodejs ci --os=linux --cpu=x64 --libc=glibc --omit=dev --no-audit --no-fund --cache $WORK/npm-cache',
    ]);
    expect(files).toEqual(['package-lock.json', 'package.json']);
  });

  it('runs npm install on a project folder without a lock file', async () => {
    const plan = buildPlan(project, getRuntime('nodejs22.x'), handBase('debian12'));
    const { calls, files } = await runNodeStep(plan, false);
    expect(calls).toEqual([
      '/opt/nodejs install --os=linux --cpu=x64 --libc=glibc --omit=dev --no-audit --no-fund --cache $WORK/npm-cache',
    ]);
    expect(files).toEqual(['package.json']);
  });

  it('adds no npm step to a recipe without install.node', () => {
    const plan = buildPlan(makeRecipe(), getRuntime('provided.al2023'), handBase('al2023'));
    expect(plan).not.toContain('npm');
  });
});
