// Seeded mutation of small layer zips, read by inspect, audit and extraction: whatever the
// bytes, each either succeeds or fails with a UserError (exit 1 or 2); nothing escapes as an
// internal error, and nothing is left in $TMPDIR by the audit.
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLayer } from '../../../../src/core/audit/audit-layer.js';
import { resolveAuditTarget } from '../../../../src/core/audit/target.js';
import type { AuditTarget } from '../../../../src/core/audit/types.js';
import { UserError } from '../../../../src/core/errors.js';
import { extractLayerZip } from '../../../../src/core/layer/extract-zip.js';
import { inspectLayerZip } from '../../../../src/core/layer/inspect.js';
import { craftZip, deflatedEntry, ELF_HEAD, zerosEntry } from '../../../support/hostile-zip.js';
import { Random } from '../../../fuzz/random.js';
import { sharedTempDir } from '../../../support/temp-dir.js';

const SEED = 0x5eed_12;
const MUTANTS = 200;

const seedZip = craftZip([
  deflatedEntry('python/pkg/__init__.py', 'print("hi")\n'),
  deflatedEntry('lib/libcut.so', Buffer.concat([ELF_HEAD, Buffer.alloc(64)])),
  deflatedEntry('lib/libz.so', 'libcut.so', 0o120777),
  zerosEntry('bin/tool', 1, { head: ELF_HEAD, mode: 0o100755 }),
]);

/** Flips bytes, overwrites fields with extreme values, or cuts the file: one or a few at once. */
function mutate(next: () => number): Buffer {
  const bytes = Buffer.from(seedZip);
  const edits = 1 + Math.floor(next() * 4);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(next() * bytes.length);
    const kind = next();
    if (kind < 0.5) bytes[at] = Math.floor(next() * 256);
    else if (kind < 0.8 && at + 4 <= bytes.length) bytes.writeUInt32LE(next() < 0.5 ? 0xffffffff : 0, at);
    else if (kind < 0.9) return bytes.subarray(0, at);
    else bytes[at] = (bytes[at] ?? 0) ^ 0x80;
  }
  return bytes;
}

const shared = sharedTempDir('layerforge-fuzz-zip-');
let dir = '';
let target: AuditTarget;
const savedTmp = process.env.TMPDIR;
beforeAll(async () => {
  dir = shared.path;
  await mkdir(join(dir, 'tmp'));
  process.env.TMPDIR = join(dir, 'tmp');
  target = await resolveAuditTarget({ runtime: 'provided.al2023', arch: 'x86_64' });
});
afterAll(async () => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
});

/** Runs one reader; returns how it ended, failing the test on anything but a UserError. */
async function outcome(run: () => Promise<unknown>, label: string): Promise<string> {
  try {
    await run();
    return 'ok';
  } catch (error) {
    if (!(error instanceof UserError)) {
      throw new Error(`${label}: not a UserError: ${error instanceof Error ? error.stack : String(error)}`);
    }
    expect([1, 2]).toContain(error.exitCode);
    return `exit ${error.exitCode}`;
  }
}

describe(`${MUTANTS} mutated zips (seed ${SEED})`, () => {
  it('end in success or a UserError for inspect, audit and extraction', async () => {
    const random = new Random(SEED);
    const next = () => random.next();
    const seen = new Map<string, number>();
    for (let i = 0; i < MUTANTS; i++) {
      const zip = join(dir, `mutant-${i}.zip`);
      await writeFile(zip, mutate(next));
      const label = `mutant ${i} (seed ${SEED})`;
      for (const result of [
        await outcome(() => inspectLayerZip(zip), `${label} inspect`),
        await outcome(() => auditLayer(zip, target), `${label} audit`),
        await outcome(() => extractLayerZip(zip, join(dir, `opt-${i}`)), `${label} extract`),
      ]) {
        seen.set(result, (seen.get(result) ?? 0) + 1);
      }
      await rm(zip);
      await rm(join(dir, `opt-${i}`), { recursive: true, force: true });
      expect(await readdir(join(dir, 'tmp')), label).toEqual([]);
    }
    // The mutations must reach both outcomes, or the test would prove nothing.
    expect(seen.get('ok')).toBeGreaterThan(0);
    expect(seen.get('exit 2')).toBeGreaterThan(0);
  });
});
