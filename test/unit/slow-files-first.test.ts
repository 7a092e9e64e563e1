import { describe, expect, it } from 'vitest';
import type { TestSpecification, Vitest } from 'vitest/node';
import { packageRoot } from '../../src/core/paths.js';
import { SLOWEST_FILES, SlowFilesFirst } from '../support/slow-files-first.js';
import { join, relative } from 'node:path';

// The sequencer vitest.config.ts gives vitest, with the two things it reads of vitest faked: the
// root, and the cache of earlier runs' timings (empty on a fresh clone).
function sequencer(timed: Record<string, number> = {}, root = packageRoot, failed = ''): SlowFilesFirst {
  const ctx = {
    config: { root },
    cache: {
      getFileTestResults: (key: string) =>
        key in timed ? { duration: timed[key], failed: key === failed } : undefined,
      getFileStats: () => undefined,
    },
  };
  return new SlowFilesFirst(ctx as unknown as Vitest);
}

const spec = (file: string) =>
  ({ moduleId: join(packageRoot, file), project: { name: 'core' } }) as unknown as TestSpecification;
const files = (specs: TestSpecification[]) => specs.map((s) => relative(packageRoot, s.moduleId));

describe('the slow-files-first sequencer', () => {
  const others = ['test/unit/config.test.ts', 'test/integration/publish.test.ts'];

  const slowest = Object.keys(SLOWEST_FILES);

  it('starts the known slow files first, longest first, when vitest has timed nothing', async () => {
    const input = [...others, ...[...slowest].reverse()].map(spec);
    expect(files(await sequencer().sort(input))).toEqual([...slowest, ...others]);
  });

  it('orders by vitest’s own timings where it has them, and runs a failed file first', async () => {
    const [first = '', second = ''] = slowest;
    const [config = '', publish = ''] = others;
    const timed = { [`core:${first}`]: 1_000, [`core:${config}`]: 500_000, [`core:${publish}`]: 3_000 };
    const sorted = files(await sequencer(timed).sort([first, second, config, publish].map(spec)));
    // `second` is untimed: its listed seconds (over 100 s) place it after config's 500 s.
    expect(sorted).toEqual([config, second, publish, first]);
    const failed = sequencer(timed, packageRoot, `core:${first}`);
    expect(files(await failed.sort([config, first].map(spec)))).toEqual([first, config]);
  });

  it('fails when a listed file no longer exists', async () => {
    await expect(sequencer({}, join(packageRoot, 'test')).sort([])).rejects.toThrow(/SLOWEST_FILES/);
  });
});
