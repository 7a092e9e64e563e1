// Made-up figures in the shapes bench/run.ts writes to figures.json, for the bench's pure parts.
import type { BenchFigures } from '../../bench/report.js';
import type { ColdFigures, GoalFigures, StartupFigures } from '../../bench/goals.js';
import type { ZipComparison } from '../../bench/zip-compare.js';

const MiB = 1024 * 1024;

export function coldFigures(over: Partial<ColdFigures> = {}): ColdFigures {
  return {
    recipe: 'pandas',
    version: '2.3.3',
    runtime: 'python3.11',
    layerforgeSeconds: [30, 34],
    naiveSeconds: [20, 22],
    warmLayerforgeSeconds: [25, 27],
    warmNaiveSeconds: [10, 12],
    peakRssBytes: [150 * MiB, 170 * MiB],
    steps: [
      [
        { step: 'resolve', ms: 100 },
        { step: 'build', ms: 20_000 },
        { step: 'zip', ms: 4_000 },
      ],
      [
        { step: 'resolve', ms: 300 },
        { step: 'build', ms: 22_000 },
        { step: 'zip', ms: 6_000 },
      ],
    ],
    layerforgeUnzippedBytes: 92 * MiB,
    naiveUnzippedBytes: 143 * MiB,
    smoke: { passed: 3, total: 3, failed: [] },
    ...over,
  };
}

export function startupFigures(over: Partial<StartupFigures> = {}): StartupFigures {
  return {
    node: '20.20.2',
    nodeSeconds: [0.1, 0.1, 0.1],
    versionSeconds: [0.14],
    listSeconds: [0.3],
    cacheHitSeconds: [0.5],
    ...over,
  };
}

export function zipComparison(over: Partial<ZipComparison> = {}): ZipComparison {
  return {
    treeBytes: 143 * MiB,
    runs: 3,
    layerforgeSeconds: 8,
    layerforgeWallSeconds: 8.3,
    layerforgeCpuSeconds: 9,
    infozipSeconds: 6,
    infozipCpuSeconds: 6,
    layerforgeZipBytes: 45 * MiB,
    infozipZipBytes: 44 * MiB,
    peakRssBytes: 100 * MiB,
    peakRssTsxBytes: 140 * MiB,
    idleRssBytes: 50 * MiB,
    deterministic: true,
    ...over,
  };
}

export function goalFigures(): GoalFigures {
  return {
    cold: coldFigures(),
    startup: [startupFigures(), startupFigures({ node: '22.23.5', versionSeconds: [0.12] })],
    audit: {
      packages: ['pandas==2.3.3', 'scipy==1.15.3'],
      zipBytes: 80 * MiB,
      unzippedBytes: 220 * MiB,
      auditMs: [2400],
      auditWallSeconds: [2.8],
      unzipSeconds: [1.5],
    },
    ci: { seconds: 1001, source: 'the last .ci/run' },
  };
}

/** A run that measured the goals only (`--only cold,startup,zip,audit`). */
export function benchFigures(over: Partial<BenchFigures> = {}): BenchFigures {
  return {
    date: '2026-12-01T00:00:00.000Z',
    command: 'npm run bench',
    machine: {
      cpus: 2,
      cpuModel: 'Test CPU',
      memoryBytes: 24 * 1024 ** 3,
      docker: '20.10',
      node: '20.20.2',
      kernel: '6.1',
      loadBefore: [1, 1, 1],
      loadAfter: [2, 2, 2],
    },
    runs: 3,
    base: 'debian12',
    recipes: [],
    zip: { ...zipComparison(), treeLabel: 'the naive pandas tree' },
    goals: goalFigures(),
    ...over,
  };
}
