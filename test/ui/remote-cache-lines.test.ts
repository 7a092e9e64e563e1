import { describe, expect, it } from 'vitest';
import { describeEvent } from '../../src/ui/plain-reporter.js';

describe('the plain lines for the remote cache', () => {
  it('name a remote hit in the summary, apart from a local one', () => {
    const done = {
      type: 'build.done',
      zipPath: 'dist/x.zip',
      manifestPath: 'dist/x.manifest.json',
      cached: true,
    } as const;
    expect(describeEvent({ ...done, remote: true })).toContain('layer: dist/x.zip (remote hit)');
    expect(describeEvent(done)).toContain('layer: dist/x.zip (cached)');
    expect(describeEvent({ type: 'build.cache', hit: true, key: 'a'.repeat(64), remote: true })).toBe(
      'remote cache hit (aaaaaaaaaaaa)',
    );
  });

  it('say what the write-through did', () => {
    const upload = { type: 'cache.remote.upload', key: 'k', url: 's3://team-layers/ci', bytes: 0 } as const;
    expect(describeEvent({ ...upload, outcome: 'uploaded', bytes: 2048 })).toBe(
      'remote cache s3://team-layers/ci: uploaded the entry (2.0 KB)',
    );
    expect(describeEvent({ ...upload, outcome: 'raced' })).toBe(
      'remote cache s3://team-layers/ci: another writer stored the entry first; kept it',
    );
    expect(
      describeEvent({ type: 'cache.remote.hit', key: 'k', url: 's3://team-layers/ci', bytes: 2048 }),
    ).toBe('remote hit: 2.0 KB from s3://team-layers/ci, verified');
  });
});
