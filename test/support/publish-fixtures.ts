import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { CliRun } from './run-cli.js';
import type { LayerforgeEvent } from '../../src/core/events.js';
import { manifestPathFor } from '../../src/core/layer/manifest.js';
import { manifestSchema, type LayerManifest } from '../../src/core/layer/manifest-schema.js';

const exec = promisify(execFile);

/**
 * Dummy credentials for the tests: distinctive, so a test can prove they appear in no output
 * and no file. moto accepts any keys.
 */
export const TEST_CREDENTIALS = {
  accessKeyId: 'AKIALFTEST7QZ2XW9KEY',
  secretAccessKey: 'lfTestSecret/Zq8+W3pN0tAReal9Key4Xy7Vb2QwZz',
  sessionToken: 'lfTestSessionToken-9f3c1e7a-0b5d-4e2f-a1c6-58d2b7e4f0aa',
} as const;

/**
 * Keeps the SDK's own look-ups (which read process.env, not the injected env) away from the
 * machine's ~/.aws and from the EC2 metadata address: tests only talk to loopback.
 */
/**
 * An AWS endpoint nothing listens on (a closed loopback port), for runs that must fail before any
 * AWS call: a request that slipped through would fail differently from what the tests expect.
 */
export const NOWHERE = 'http://127.0.0.1:9';

export function isolateAwsProcessEnv(scratch: string): void {
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  process.env.AWS_CONFIG_FILE = join(scratch, 'no-aws-config');
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(scratch, 'no-aws-credentials');
}

/** An environment for one CLI run against `endpoint`, with the dummy credentials. */
export function testAwsEnv(endpoint: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: TEST_CREDENTIALS.sessionToken,
    AWS_ENDPOINT_URL: endpoint,
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

export interface LayerZip {
  zipPath: string;
  manifestPath: string;
  manifest: LayerManifest;
  sha256: string;
  codeSha256: string;
}

export interface LayerZipSpec {
  /** Relative path → content. */
  files: Record<string, string | Buffer>;
  recipe?: { name: string; version: string; license?: string } | null;
  runtimes?: string[];
  arch?: 'x86_64' | 'arm64';
  /** Store without compression (`zip -0`): for incompressible data, where deflate only costs time. */
  store?: boolean;
}

/** Writes the files, zips them with Info-ZIP (`zip -X`, no extra fields) and writes a valid manifest beside. */
export async function makeLayerZip(dir: string, name: string, spec: LayerZipSpec): Promise<LayerZip> {
  // The files are laid out beside the zip, in the caller's folder (a test's temporary folder),
  // not in a folder of their own: this runs in beforeAll hooks too, where no test owns one, and
  // whatever a failed zip leaves goes with the caller's folder.
  await mkdir(dir, { recursive: true });
  const zipPath = join(dir, `${name}.zip`);
  const tree = await mkdtemp(join(dir, '.layer-tree-'));
  try {
    for (const [path, content] of Object.entries(spec.files)) {
      await mkdir(dirname(join(tree, path)), { recursive: true });
      await writeFile(join(tree, path), content);
    }
    await exec('zip', ['-X', '-q', ...(spec.store ? ['-0'] : []), '-r', zipPath, '.'], { cwd: tree });
  } finally {
    await rm(tree, { recursive: true, force: true });
  }
  const bytes = await readFile(zipPath);
  const digest = createHash('sha256').update(bytes).digest();
  const unzippedBytes = Object.values(spec.files).reduce((n, c) => n + Buffer.byteLength(c), 0);
  const manifest = manifestSchema.parse({
    schemaVersion: 1,
    recipe: spec.recipe === undefined ? { name: 'hello', version: '1.0.0', license: 'MIT' } : spec.recipe,
    runtimes: spec.runtimes ?? ['python3.12'],
    arch: spec.arch ?? 'x86_64',
    base: 'debian12',
    zip: {
      file: `${name}.zip`,
      sha256: digest.toString('hex'),
      codeSha256: digest.toString('base64'),
      zippedBytes: bytes.length,
      unzippedBytes,
      fileCount: Object.keys(spec.files).length,
    },
    inputsDigest: createHash('sha256').update(name).digest('hex'),
    layerforgeVersion: '0.1.0',
  });
  const manifestPath = manifestPathFor(zipPath);
  await writeFile(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
  return {
    zipPath,
    manifestPath,
    manifest,
    sha256: manifest.zip.sha256,
    codeSha256: manifest.zip.codeSha256,
  };
}

// The publish tests give the whole environment (dummy credentials, loopback endpoints).
export { runLayerforge, type CliRun } from './run-cli.js';

/** The last line `publish --json` prints. */
export type SummaryLine = Extract<LayerforgeEvent, { type: 'publish.summary' }>;

/** The summary line of a `publish --json` run; fails the test when there is none. */
export function summaryOf(run: CliRun): SummaryLine {
  const summary = run.events.find((e): e is SummaryLine => e.type === 'publish.summary');
  if (!summary) throw new Error(`no publish.summary line in:\n${run.stdout}\n${run.stderr}`);
  return summary;
}

/** Every file under `dir`, recursively. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else if ((await stat(path)).isFile()) out.push(path);
  }
  return out;
}
