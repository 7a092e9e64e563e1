// Two cache folders on one machine stand for two CI runners sharing one bucket on moto's S3: the
// second builds nothing and gets the first's bytes; a tampered entry is refused and rebuilt; two
// writers racing on one key leave one whole entry. The builds run on the real engine.
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LayerforgeEvent } from '../../src/core/events.js';
import { parseCacheUrl, type RemoteCache } from '../../src/core/remote-cache/location.js';
import { fetchEntry, uploadEntry, type UploadOutcome } from '../../src/core/remote-cache/s3-store.js';
import { requireDocker } from '../support/docker.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import {
  TEST_CREDENTIALS,
  isolateAwsProcessEnv,
  makeLayerZip,
  testAwsEnv,
} from '../support/publish-fixtures.js';
import { runLayerforgeInheritingEnv as runLayerforge, type CliRun } from '../support/run-cli.js';
import { sharedTempDir } from '../support/temp-dir.js';

const BUCKET = 'lf-remote-cache-it';
const URL = `s3://${BUCKET}/ci`;
const artifact = 'hello-1.0.0-provided.al2023-x86_64.zip';
const shared = sharedTempDir('layerforge-it-remote-cache-');
let moto: MotoServer;
let s3: S3Client;

beforeAll(async () => {
  requireDocker();
  isolateAwsProcessEnv(shared.path);
  moto = await startMoto();
  s3 = new S3Client({
    region: 'us-east-1',
    endpoint: moto.endpoint,
    forcePathStyle: true,
    credentials: TEST_CREDENTIALS,
  });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
}, 600_000);

afterAll(async () => {
  s3?.destroy();
  await moto?.stop();
});

/** One CI runner: its own cache folder and output folder, the shared bucket. */
function runner(name: string, args: string[] = ['--json']): Promise<CliRun> {
  const cwd = join(shared.path, name);
  return mkdir(cwd, { recursive: true }).then(() =>
    runLayerforge(['build', 'hello', '--out', 'dist', '--cache', URL, ...args], {
      cwd,
      env: testAwsEnv(moto.endpoint, {
        LAYERFORGE_CACHE_DIR: join(cwd, 'cache'),
        LAYERFORGE_BASE: 'debian12',
        AWS_REGION: 'us-east-1',
      }),
    }),
  );
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const zipOf = (name: string) => readFile(join(shared.path, name, 'dist', artifact));
const ofType = <T extends LayerforgeEvent['type']>(events: LayerforgeEvent[], type: T) =>
  events.filter((e): e is Extract<LayerforgeEvent, { type: T }> => e.type === type);
/** The steps that start containers or make the zip, with how each ended. */
const workSteps = (events: LayerforgeEvent[]) =>
  ofType(events, 'build.step.end')
    .filter((e) => ['build', 'extract', 'prune', 'audit', 'zip'].includes(e.step))
    .map((e) => `${e.step}:${e.status}`);

async function getText(key: string): Promise<string> {
  const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return (await object.Body?.transformToString()) ?? '';
}
async function getBytes(key: string): Promise<Buffer> {
  const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from((await object.Body?.transformToByteArray()) ?? []);
}
const put = (key: string, body: Buffer | string) =>
  s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));

interface Record {
  inputsDigest: string;
  zip: { sha256: string; bytes: number };
  manifest: { sha256: string; bytes: number };
}
let key = '';
let goodZip = '';
const recordKey = () => `ci/entries/${key}.json`;
const readRecord = async () => JSON.parse(await getText(recordKey())) as Record;

describe('a remote cache shared by two runners', () => {
  it('the first runner builds and uploads; the second builds nothing and gets the same bytes', async () => {
    const first = await runner('runner-a');
    expect(first.code, first.stderr).toBe(0);
    expect(ofType(first.events, 'cache.remote.miss')).toHaveLength(1);
    expect(workSteps(first.events)).toContain('build:ok');
    const [upload] = ofType(first.events, 'cache.remote.upload');
    expect(upload?.outcome).toBe('uploaded');
    key = upload?.key ?? '';

    const second = await runner('runner-b');
    expect(second.code, second.stderr).toBe(0);
    expect(ofType(second.events, 'cache.remote.hit')).toEqual([expect.objectContaining({ key, url: URL })]);
    expect(ofType(second.events, 'build.cache')).toEqual([
      { type: 'build.cache', hit: true, key, remote: true },
    ]);
    // Nothing built: every step that runs a container or writes the zip was skipped, no upload.
    expect(workSteps(second.events)).toEqual([
      'build:skipped',
      'extract:skipped',
      'prune:skipped',
      'audit:skipped',
      'zip:skipped',
    ]);
    expect(ofType(second.events, 'build.log').filter((e) => e.source === 'container')).toEqual([]);
    expect(ofType(second.events, 'cache.remote.upload')).toEqual([]);
    expect(ofType(second.events, 'build.done')[0]?.remote).toBe(true);

    const a = await zipOf('runner-a');
    expect(await zipOf('runner-b')).toEqual(a);
    goodZip = sha256(a);
    expect((await readRecord()).zip.sha256).toBe(goodZip);
    // And the second runner's own cache now serves it locally.
    const local = await runner('runner-b');
    expect(ofType(local.events, 'build.cache')).toEqual([{ type: 'build.cache', hit: true, key }]);
    expect(ofType(local.events, 'cache.remote.upload')).toEqual([
      expect.objectContaining({ outcome: 'present' }),
    ]);
  }, 900_000);

  it('says "remote hit" in the summary a person reads', async () => {
    const plain = await runner('runner-c', []);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr).toContain('(remote hit)');
    expect(plain.stderr).toContain(`remote hit: `);
  }, 300_000);

  it('a read-only runner (a fork) reads hits but never writes', async () => {
    const hit = await runner('runner-fork', ['--json', '--cache-mode', 'read']);
    expect(hit.code, hit.stderr).toBe(0);
    expect(ofType(hit.events, 'cache.remote.hit')).toHaveLength(1);
    expect(ofType(hit.events, 'cache.remote.upload')).toEqual([]);
    // Other inputs (another prune profile): a miss, built here, and nothing sent to the bucket.
    const miss = await runner('runner-fork', ['--json', '--cache-mode', 'read', '--prune', 'none']);
    expect(miss.code, miss.stderr).toBe(0);
    const [missed] = ofType(miss.events, 'cache.remote.miss');
    expect(missed?.key).toMatch(/^[0-9a-f]{64}$/);
    expect(missed?.key).not.toBe(key);
    expect(workSteps(miss.events)).toContain('build:ok');
    expect(ofType(miss.events, 'cache.remote.upload')).toEqual([]);
    await expect(getText(`ci/entries/${missed?.key ?? ''}.json`)).rejects.toThrow();
  }, 900_000);
});

describe('a tampered remote entry', () => {
  it('with one changed byte in its zip is refused, rebuilt, and replaced by the good entry', async () => {
    expect(key, 'the first test stored the entry').not.toBe('');
    const record = await readRecord();
    const zipKey = `ci/objects/sha256/${record.zip.sha256}`;
    const bytes = await getBytes(zipKey);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = (bytes[middle] ?? 0) ^ 0x01;
    await put(zipKey, bytes);

    const run = await runner('runner-d');
    expect(run.code, run.stderr).toBe(0);
    expect(run.events).toContainEqual(
      expect.objectContaining({
        type: 'warning',
        code: 'remote-cache-refused',
        message: expect.stringContaining(
          `its zip's sha256 is ${sha256(bytes)}, its entry record says ${goodZip}`,
        ),
      }),
    );
    expect(ofType(run.events, 'cache.remote.hit')).toEqual([]);
    expect(workSteps(run.events)).toContain('build:ok');
    expect(ofType(run.events, 'cache.remote.upload')).toEqual([
      expect.objectContaining({ outcome: 'replaced' }),
    ]);
    expect(sha256(await zipOf('runner-d'))).toBe(goodZip);
    // The rebuilt entry put the good bytes back: the next runner gets a verified hit.
    expect(sha256(await getBytes(zipKey))).toBe(goodZip);
    const next = await runner('runner-e');
    expect(ofType(next.events, 'cache.remote.hit')).toHaveLength(1);
    expect(sha256(await zipOf('runner-e'))).toBe(goodZip);
  }, 900_000);

  it('with a manifest for other inputs (its sha256 recorded to match) is refused and rebuilt', async () => {
    const record = await readRecord();
    const manifest = JSON.parse(await getText(`ci/objects/sha256/${record.manifest.sha256}`)) as {
      inputsDigest: string;
    };
    const other = 'f'.repeat(64);
    const forged = Buffer.from(`${JSON.stringify({ ...manifest, inputsDigest: other }, null, 2)}\n`);
    await put(`ci/objects/sha256/${sha256(forged)}`, forged);
    await put(
      recordKey(),
      JSON.stringify({ ...record, manifest: { sha256: sha256(forged), bytes: forged.length } }),
    );

    const run = await runner('runner-f');
    expect(run.code, run.stderr).toBe(0);
    expect(run.events).toContainEqual(
      expect.objectContaining({
        type: 'warning',
        code: 'remote-cache-refused',
        message: expect.stringContaining(`its manifest is for inputs ${other}, not ${key}`),
      }),
    );
    expect(workSteps(run.events)).toContain('build:ok');
    expect(ofType(run.events, 'cache.remote.upload')).toEqual([
      expect.objectContaining({ outcome: 'replaced' }),
    ]);
    expect((await readRecord()).manifest.sha256).not.toBe(sha256(forged));
    const next = await runner('runner-g');
    expect(ofType(next.events, 'cache.remote.hit')).toHaveLength(1);
  }, 900_000);
});

describe('two writers racing on one key', () => {
  const raceKey = 'e'.repeat(64);
  const cache: RemoteCache = {
    ...parseCacheUrl({ value: `s3://${BUCKET}/race`, from: 'test' }),
    mode: 'readwrite',
  };
  const name = 'race-1.0.0-python3.12-x86_64';
  const signal = new AbortController().signal;

  /** A local entry for `raceKey` whose zip holds `content`: the two writers' bytes differ. */
  async function localEntry(dir: string, content: string) {
    const layer = await makeLayerZip(join(shared.path, dir), name, { files: { 'python/race.py': content } });
    await writeFile(
      layer.manifestPath,
      `${JSON.stringify({ ...layer.manifest, inputsDigest: raceKey }, null, 2)}\n`,
    );
    return { zip: layer.zipPath, manifest: layer.manifestPath, sha256: layer.sha256 };
  }

  function client(): S3Client {
    return new S3Client({
      region: 'us-east-1',
      endpoint: moto.endpoint,
      forcePathStyle: true,
      credentials: TEST_CREDENTIALS,
    });
  }

  /** Runs `hook` around each call of `command` on `s3`. */
  function around(
    client: S3Client,
    command: string,
    hook: (key: string, call: () => Promise<unknown>) => Promise<unknown>,
  ) {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const { commandName } = context as { commandName?: string };
        const input = (args as { input?: { Key?: string } }).input;
        if (commandName !== command) return next(args);
        return (await hook(input?.Key ?? '', () => next(args))) as Awaited<ReturnType<typeof next>>;
      },
      { step: 'initialize' },
    );
  }

  it('both past the existence check: the conditional write keeps the first whole entry', async () => {
    const one = await localEntry('race-one', 'one = 1\n');
    const two = await localEntry('race-two', 'two = 2\n');
    const [s3One, s3Two] = [client(), client()];
    // Both writers look for the entry before either writes it: the window a race falls in.
    let looked = 0;
    let bothLooked: () => void = () => {};
    const gate = new Promise<void>((resolve) => (bothLooked = resolve));
    for (const c of [s3One, s3Two])
      around(c, 'HeadObjectCommand', async (_key, call) => {
        const result = await call().catch((error: unknown) => error);
        if (++looked === 2) bothLooked();
        await gate;
        if (result instanceof Error) throw result;
        return result;
      });
    // The second writer's entry record goes after the first's.
    let firstWrote: () => void = () => {};
    const firstRecord = new Promise<void>((resolve) => (firstWrote = resolve));
    const recordKey = `race/entries/${raceKey}.json`;
    around(s3One, 'PutObjectCommand', async (key, call) => {
      try {
        return await call();
      } finally {
        if (key === recordKey) firstWrote();
      }
    });
    around(s3Two, 'PutObjectCommand', async (key, call) => {
      if (key === recordKey) await firstRecord;
      return call();
    });
    const outcomes = await Promise.all([
      uploadEntry(s3One, cache, one, raceKey, signal),
      uploadEntry(s3Two, cache, two, raceKey, signal),
    ]);
    expect(outcomes.map((o) => o.outcome)).toEqual<UploadOutcome[]>(['uploaded', 'raced']);
    s3One.destroy();
    s3Two.destroy();

    const into = join(shared.path, 'race-fetched');
    await mkdir(into, { recursive: true });
    expect(await fetchEntry(s3, cache, raceKey, `${name}.zip`, into, signal)).toEqual(
      expect.objectContaining({ kind: 'hit' }),
    );
    expect(sha256(await readFile(join(into, `${name}.zip`)))).toBe(one.sha256);
  });

  it("free for all, many times over: one whole entry, always one of the writers'", async () => {
    const one = await localEntry('race-free-one', 'one = 1\n');
    const two = await localEntry('race-free-two', 'two = 2\n');
    for (let round = 0; round < 5; round++) {
      const free: RemoteCache = { ...cache, prefix: `race-free-${round}` };
      const outcomes = await Promise.all([
        uploadEntry(s3, free, one, raceKey, signal),
        uploadEntry(s3, free, two, raceKey, signal),
      ]);
      expect(outcomes.map((o) => o.outcome)).toContain('uploaded');
      const into = join(shared.path, `race-free-fetched-${round}`);
      await mkdir(into, { recursive: true });
      const fetched = await fetchEntry(s3, free, raceKey, `${name}.zip`, into, signal);
      expect(fetched.kind).toBe('hit');
      expect([one.sha256, two.sha256]).toContain(sha256(await readFile(join(into, `${name}.zip`))));
      // Afterwards a writer finds the entry and leaves it.
      expect((await uploadEntry(s3, free, two, raceKey, signal)).outcome).toBe('present');
    }
  });
});
