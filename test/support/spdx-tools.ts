import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/**
 * SPDX's own Python tools (spdx-tools on PyPI, maintained by the SPDX project): `pyspdxtools -i`
 * parses a document and validates it against SPDX 2.3 (ids, relationships, licence expressions
 * against the licence list, checksums, purls). Installed once into a cached virtualenv; a failed
 * install fails the test.
 */
export const SPDX_TOOLS_VERSION = '0.8.5';

const cacheRoot = process.env.LAYERFORGE_TEST_CACHE ?? join(homedir(), '.cache', 'layerforge-test');
const venvDir = join(cacheRoot, `spdx-tools-venv-${SPDX_TOOLS_VERSION}`);

/** The venv's python, with spdx-tools installed. */
export async function ensureSpdxTools(): Promise<string> {
  const tool = join(venvDir, 'bin', 'python');
  if (existsSync(join(venvDir, '.layerforge-installed'))) return tool;
  // Installed beside and renamed into place: two test files installing at once cannot clash.
  await mkdir(cacheRoot, { recursive: true });
  const staging = `${venvDir}.${process.pid}.tmp`;
  await rm(staging, { recursive: true, force: true });
  const python = process.env.LAYERFORGE_TEST_PYTHON ?? 'python3';
  await exec(python, ['-m', 'venv', staging], { timeout: 120_000 });
  await exec(join(staging, 'bin', 'pip'), ['install', '--quiet', `spdx-tools==${SPDX_TOOLS_VERSION}`], {
    timeout: 5 * 60_000,
  });
  await writeFile(join(staging, '.layerforge-installed'), `spdx-tools ${SPDX_TOOLS_VERSION}\n`);
  // Run as `python -m` afterwards: the venv's scripts name the staging folder in their #! line.
  await rm(venvDir, { recursive: true, force: true });
  await rename(staging, venvDir).catch(async (error: unknown) => {
    await rm(staging, { recursive: true, force: true });
    if (!existsSync(join(venvDir, '.layerforge-installed'))) throw error;
  });
  return tool;
}

/** The validator's complaints about an SPDX JSON file: '' when it is valid. */
export async function spdxErrors(path: string): Promise<string> {
  const tool = await ensureSpdxTools();
  try {
    await exec(tool, ['-m', 'spdx_tools.spdx.clitools.pyspdxtools', '-i', path], { timeout: 120_000 });
    return '';
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    return `${stdout}${stderr}`.trim() || String(error);
  }
}
