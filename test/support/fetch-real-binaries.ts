/**
 * Fetches real native binaries that nobody on this project wrote, for the audit's tests, and
 * caches them under ~/.cache/layerforge-test/ (or $LAYERFORGE_TEST_CACHE), keyed by package
 * name and exact version so every run sees the same bytes.
 *
 * Sources, all through their ordinary clients and by package name only:
 * - Debian 12 packages: `apt-get download <pkg>=<version>` then `dpkg-deb -x`
 * - manylinux wheels: `pip download --only-binary=:all: --no-deps --platform ...` then `unzip`
 * - npm packages with prebuilt binaries: `npm pack <pkg>@<version>` then `tar -x`
 *
 * A fetch that fails throws: the integration tests must fail, never skip, when the inputs
 * cannot be had (CI runs with network access to these registries).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export function testCacheDir(): string {
  return process.env.LAYERFORGE_TEST_CACHE ?? join(homedir(), '.cache', 'layerforge-test');
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Runs `fill(tmpDir)` once per key; the result is renamed into place only when complete. */
async function cached(key: string, fill: (dir: string) => Promise<void>): Promise<string> {
  const dir = join(testCacheDir(), key);
  if (await exists(join(dir, '.complete'))) return dir;
  await mkdir(testCacheDir(), { recursive: true });
  // In the cache folder, not from test/support/temp-dir.ts: rename() below is atomic only within
  // one file system, and the folder ends as the cache entry (or removed here), not with a test.
  const tmp = await mkdtemp(join(testCacheDir(), '.partial-'));
  try {
    await fill(tmp);
    await writeFile(join(tmp, '.complete'), new Date().toISOString() + '\n');
    await rm(dir, { recursive: true, force: true });
    await mkdir(join(dir, '..'), { recursive: true });
    await rename(tmp, dir);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
  return dir;
}

async function tool(file: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run(file, args, { cwd, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`${file} ${args.join(' ')} failed: ${e.stderr?.trim() || e.message}`);
  }
}

let aptUpdated = false;

/**
 * A Debian 12 package's files, extracted with `dpkg-deb -x`: returns the root of the tree
 * (`<dir>/root/usr/lib/...`). The version is exact: when the mirror no longer carries it,
 * the fetch fails and the pin here must be moved to the current one.
 */
export async function fetchDebianPackage(name: string, version: string): Promise<string> {
  const dir = await cached(`deb/${name}_${version.replace(/:/g, '%3a')}`, async (tmp) => {
    const spec = `${name}=${version}`;
    try {
      await tool('apt-get', ['download', '-q', spec], tmp);
    } catch (first) {
      if (aptUpdated) throw first;
      aptUpdated = true;
      await tool('apt-get', ['update', '-q'], tmp);
      await tool('apt-get', ['download', '-q', spec], tmp);
    }
    const deb = (await readdir(tmp)).find((f) => f.endsWith('.deb'));
    if (!deb) throw new Error(`apt-get download ${spec} produced no .deb`);
    await tool('dpkg-deb', ['-x', deb, 'root'], tmp);
    await rm(join(tmp, deb));
  });
  return join(dir, 'root');
}

export interface WheelSpec {
  name: string;
  version: string;
  /** pip platform tag, e.g. manylinux2014_x86_64 or manylinux_2_28_aarch64. */
  platform: string;
  /** e.g. 3.11 */
  pythonVersion: string;
}

/**
 * A wheel from PyPI, unzipped with Info-ZIP `unzip` (which keeps the file modes stored in the
 * wheel). Returns the unpacked tree (what pip would put in site-packages) and the wheel's name.
 */
export async function fetchWheel(spec: WheelSpec): Promise<{ dir: string; wheel: string }> {
  const key = `wheel/${spec.name}-${spec.version}-py${spec.pythonVersion}-${spec.platform}`;
  const dir = await cached(key, async (tmp) => {
    await tool(
      'python3',
      [
        '-m',
        'pip',
        'download',
        '--quiet',
        '--disable-pip-version-check',
        '--only-binary=:all:',
        '--no-deps',
        '--platform',
        spec.platform,
        '--python-version',
        spec.pythonVersion,
        '--implementation',
        'cp',
        '--dest',
        'dl',
        `${spec.name}==${spec.version}`,
      ],
      tmp,
    );
    const wheel = (await readdir(join(tmp, 'dl'))).find((f) => f.endsWith('.whl'));
    if (!wheel) throw new Error(`pip download ${spec.name}==${spec.version} produced no wheel`);
    await tool('unzip', ['-q', join('dl', wheel), '-d', 'tree'], tmp);
    await writeFile(join(tmp, 'wheel-name'), wheel);
    await rm(join(tmp, 'dl'), { recursive: true });
  });
  return { dir: join(dir, 'tree'), wheel: (await readFile(join(dir, 'wheel-name'), 'utf8')).trim() };
}

/** An npm package's tarball from `npm pack`, extracted: returns the package folder. */
export async function fetchNpmPackage(name: string, version: string): Promise<string> {
  const dir = await cached(`npm/${name.replace('/', '__')}@${version}`, async (tmp) => {
    const out = await tool('npm', ['pack', '--silent', `${name}@${version}`, '--pack-destination', tmp], tmp);
    const tgz = out.trim().split('\n').pop() ?? '';
    if (!tgz.endsWith('.tgz')) throw new Error(`npm pack ${name}@${version} printed no tarball name: ${out}`);
    await tool('tar', ['-xzf', tgz], tmp);
    await rm(join(tmp, tgz));
  });
  return join(dir, 'package');
}
