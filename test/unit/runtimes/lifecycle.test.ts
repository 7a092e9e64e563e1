// Runtime lifecycle: the status on a given day from AWS's three dates, the data's shape and order,
// and the runtime a deprecated one should move to.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { dataDir } from '../../../src/core/paths.js';
import { getRuntime, lifecycleData, runtimeIds } from '../../../src/core/runtimes/catalog.js';
import { deprecatedRuntimeWarning } from '../../../src/core/runtimes/deprecation-warning.js';
import { newestInFamily, runtimeLifecycle, statusOn, utcDay } from '../../../src/core/runtimes/lifecycle.js';

const DATES = { deprecation: '2026-06-30', blockCreate: '2026-07-31', blockUpdate: '2026-08-31' };
const at = (iso: string): Date => new Date(iso);

describe('status from the dates', () => {
  it.each([
    ['2026-06-29T23:59:59.999Z', 'supported'],
    ['2026-06-30T00:00:00.000Z', 'deprecated'],
    ['2026-06-30T23:59:59.999Z', 'deprecated'],
    ['2026-07-30T23:59:59.999Z', 'deprecated'],
    ['2026-07-31T00:00:00.000Z', 'create-blocked'],
    ['2026-08-30T12:00:00.000Z', 'create-blocked'],
    ['2026-08-31T00:00:00.000Z', 'update-blocked'],
    ['2030-01-01T00:00:00.000Z', 'update-blocked'],
  ])('on %s the runtime is %s', (now, status) => {
    expect(statusOn(DATES, at(now))).toBe(status);
  });

  it('reads the day in UTC, whatever the local offset of the instant', () => {
    // 23:30 on the 29th in UTC-1 is already the 30th in UTC.
    expect(statusOn(DATES, at('2026-06-29T23:30:00-01:00'))).toBe('deprecated');
    expect(utcDay(at('2026-06-29T23:30:00-01:00'))).toBe('2026-06-30');
  });

  it('treats an unannounced date as never reached', () => {
    expect(statusOn({}, at('2099-01-01T00:00:00Z'))).toBe('supported');
    expect(statusOn({ deprecation: '2026-06-30' }, at('2099-01-01T00:00:00Z'))).toBe('deprecated');
  });
});

describe('the lifecycle data in runtimes.yaml', () => {
  const data = lifecycleData();

  it('has an entry for every runtime, and only for runtimes', () => {
    expect(Object.keys(data.runtimes).sort()).toEqual([...runtimeIds()].sort());
  });

  it.each(runtimeIds())(
    '%s has real calendar days in order: deprecation <= block create <= block update',
    (id) => {
      const entry = data.runtimes[id];
      expect(entry).toBeDefined();
      const days = [entry?.deprecation, entry?.blockCreate, entry?.blockUpdate].filter(
        (d): d is string => d !== undefined,
      );
      for (const day of days) {
        expect(day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10)).toBe(day);
      }
      expect([...days].sort()).toEqual(days);
      // A block date without a deprecation date would be a typo: AWS always deprecates first.
      if (days.length > 0) expect(entry?.deprecation).toBeDefined();
    },
  );

  it('names a source for every runtime, each an https URL listed at the top', () => {
    for (const [key, url] of Object.entries(data.sources)) expect(url, key).toMatch(/^https:\/\//);
    expect(data.sources.aws).toBe('https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html');
    for (const id of runtimeIds()) {
      expect(runtimeLifecycle(id).sources.length, id).toBeGreaterThan(0);
      for (const url of runtimeLifecycle(id).sources) expect(url, id).toMatch(/^https:\/\//);
    }
  });

  it('keeps the lifecycle in its own part of the file, apart from the runtime entries', () => {
    const raw = parse(readFileSync(join(dataDir, 'runtimes.yaml'), 'utf8')) as {
      runtimes: Record<string, Record<string, unknown>>;
    };
    for (const entry of Object.values(raw.runtimes)) expect(Object.keys(entry)).not.toContain('deprecation');
  });
});

describe('facts checked against AWS on 2026-12-01', () => {
  const dec1 = at('2026-12-01T12:00:00Z');

  it.each([
    ['python3.9', 'deprecated'],
    ['python3.10', 'deprecated'],
    ['python3.11', 'supported'],
    ['nodejs18.x', 'deprecated'],
    ['nodejs20.x', 'deprecated'],
    ['ruby3.2', 'deprecated'],
    ['java8.al2', 'supported'],
    ['java17', 'supported'],
    ['provided.al2', 'deprecated'],
    ['dotnet8', 'deprecated'],
    ['python3.14', 'supported'],
    ['java25', 'supported'],
    ['java17.al2023', 'supported'],
    ['ruby4.0', 'supported'],
    ['dotnet10', 'supported'],
  ])('%s is %s', (id, status) => {
    expect(runtimeLifecycle(id, dec1).status).toBe(status);
  });

  it('has the deprecation dates AWS announced', () => {
    expect(runtimeLifecycle('python3.9').deprecation).toBe('2025-12-15');
    expect(runtimeLifecycle('nodejs18.x').deprecation).toBe('2025-09-01');
    expect(runtimeLifecycle('ruby3.2').deprecation).toBe('2026-03-31');
    expect(runtimeLifecycle('nodejs20.x').deprecation).toBe('2026-04-30');
    expect(runtimeLifecycle('dotnet8').deprecation).toBe('2026-11-10');
  });

  it('blocks creating functions on the runtimes deprecated before mid-2026 from 2027-02-01', () => {
    const feb1 = at('2027-02-01T00:00:00Z');
    for (const id of [
      'python3.9',
      'python3.10',
      'nodejs18.x',
      'nodejs20.x',
      'ruby3.2',
      'dotnet8',
      'provided.al2',
    ]) {
      expect(runtimeLifecycle(id, feb1).status, id).toBe('create-blocked');
    }
    expect(runtimeLifecycle('python3.11', feb1).status).toBe('supported');
  });
});

describe('the runtime to move to', () => {
  const dec1 = at('2026-12-01T12:00:00Z');

  it.each([
    ['python', 'python3.14'],
    ['nodejs', 'nodejs24.x'],
    ['ruby', 'ruby4.0'],
    ['java', 'java25'],
    ['dotnet', 'dotnet10'],
    ['provided', 'provided.al2023'],
  ] as const)('for %s is %s', (family, id) => {
    expect(newestInFamily(family, dec1)).toBe(id);
  });

  it('is never a runtime that is itself deprecated', () => {
    // In 2029-07 every python runtime of today is past its deprecation date.
    expect(newestInFamily('python', at('2029-07-01T00:00:00Z'))).toBeUndefined();
  });
});

describe('the deprecated-runtime warning', () => {
  it('carries the date, the status and the runtime to move to', () => {
    expect(deprecatedRuntimeWarning('python3.9', at('2026-12-01T00:00:00Z'))).toEqual({
      type: 'warning',
      code: 'deprecated-runtime',
      message:
        'python3.9 is deprecated since 2025-12-15: Lambda blocks creating functions on it from 2027-02-01; move to python3.14',
      runtime: 'python3.9',
      status: 'deprecated',
      deprecatedOn: '2025-12-15',
      blockCreate: '2027-02-01',
      blockUpdate: '2027-03-03',
      moveTo: 'python3.14',
    });
  });

  it('says when Lambda blocks updates', () => {
    const warning = deprecatedRuntimeWarning('provided.al2', at('2027-03-03T00:00:00Z'));
    expect(warning).toMatchObject({ status: 'update-blocked', moveTo: 'provided.al2023' });
    expect(warning?.message).toContain('blocks creating and updating functions on it since 2027-03-03');
  });

  it('is absent for a supported runtime', () => {
    expect(deprecatedRuntimeWarning('python3.12', at('2026-12-01T00:00:00Z'))).toBeUndefined();
    expect(getRuntime('python3.12').family).toBe('python');
  });
});
