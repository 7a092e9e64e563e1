import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runtimeIds } from '../../src/core/runtimes/catalog.js';
import { tempDir } from '../support/temp-dir.js';
import { runLayerforge } from './cli-harness.js';

let cwd = '';
beforeEach(async () => {
  cwd = await tempDir();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-12-01T12:00:00Z'));
});
afterEach(async () => {
  vi.useRealTimers();
});

function rows(stdout: string): string[][] {
  return stdout
    .trimEnd()
    .split('\n')
    .map((line) => line.split(/\s{2,}/));
}

describe('layerforge runtimes', () => {
  it('lists every runtime with family, OS, glibc, status and dates', async () => {
    const run = await runLayerforge(['runtimes'], { cwd });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const table = rows(run.stdout);
    expect(table[0]).toEqual([
      'RUNTIME',
      'FAMILY',
      'OS',
      'GLIBC',
      'STATUS',
      'DEPRECATION',
      'BLOCK CREATE',
      'BLOCK UPDATE',
    ]);
    expect(table.slice(1).map((r) => r[0])).toEqual(runtimeIds());
    const row = (id: string) => table.find((r) => r[0] === id);
    expect(row('python3.9')).toEqual([
      'python3.9',
      'python',
      'Amazon Linux 2',
      '2.26',
      'deprecated',
      '2025-12-15',
      '2027-02-01',
      '2027-03-03',
    ]);
    expect(row('java17.al2023')).toEqual([
      'java17.al2023',
      'java',
      'Amazon Linux 2023',
      '2.34',
      'supported',
      '2029-06-30',
      '-',
      '-',
    ]);
  });

  it('prints data under --json', async () => {
    const run = await runLayerforge(['runtimes', '--json'], { cwd });
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as {
      today: string;
      checked: string;
      runtimes: Record<string, unknown>[];
    };
    expect(out.today).toBe('2026-12-01');
    expect(out.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(out.runtimes.map((r) => r.id)).toEqual(runtimeIds());
    expect(out.runtimes.find((r) => r.id === 'nodejs20.x')).toEqual({
      id: 'nodejs20.x',
      family: 'nodejs',
      version: '20',
      os: { id: 'al2023', name: 'Amazon Linux 2023', glibc: '2.34' },
      status: 'deprecated',
      deprecation: '2026-04-30',
      blockCreate: '2027-02-01',
      blockUpdate: '2027-03-03',
      moveTo: 'nodejs24.x',
      sources: expect.arrayContaining(['https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html']),
    });
    expect(out.runtimes.find((r) => r.id === 'java8.al2023')).toMatchObject({
      status: 'supported',
      blockCreate: null,
      blockUpdate: null,
      moveTo: null,
    });
  });

  it('explains each status in --help', async () => {
    const run = await runLayerforge(['runtimes', '--help'], { cwd });
    expect(run.code).toBe(0);
    for (const status of ['supported', 'deprecated', 'create-blocked', 'update-blocked']) {
      expect(run.stdout).toContain(status);
    }
  });
});
