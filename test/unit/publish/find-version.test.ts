import {
  GetLayerVersionCommand,
  ListLayerVersionsCommand,
  type LambdaClient,
  type LayerVersionsListItem,
} from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { findVersionByContent, isoDate, listNewestVersions } from '../../../src/core/publish/find-version.js';

const SHA = 'a'.repeat(64);
const CODE = Buffer.from(SHA, 'hex').toString('base64');

/** A Lambda port fake: pages of versions, and CodeSha256 per version; records the calls. */
function fakeLambda(versions: { version: number; description?: string; codeSha256: string }[], pageSize = 2) {
  const calls: string[] = [];
  const newestFirst = [...versions].sort((a, b) => b.version - a.version);
  const client = {
    async send(command: unknown) {
      if (command instanceof ListLayerVersionsCommand) {
        const start = Number(command.input.Marker ?? 0);
        calls.push(`list@${start}`);
        const page = newestFirst.slice(start, start + pageSize);
        const items: LayerVersionsListItem[] = page.map((v) => ({
          Version: v.version,
          Description: v.description,
          LayerVersionArn: `arn:aws:lambda:us-east-1:123456789012:layer:x:${v.version}`,
        }));
        const next = start + pageSize < newestFirst.length ? String(start + pageSize) : undefined;
        return { LayerVersions: items, NextMarker: next };
      }
      if (command instanceof GetLayerVersionCommand) {
        const v = versions.find((x) => x.version === command.input.VersionNumber);
        calls.push(`get ${command.input.VersionNumber}`);
        return {
          LayerVersionArn: `arn:aws:lambda:us-east-1:123456789012:layer:x:${v?.version}`,
          Content: { CodeSha256: v?.codeSha256 },
          CreatedDate: '2024-05-01T10:00:00.000+0000',
        };
      }
      throw new Error('unexpected command');
    },
  };
  return { client: client as unknown as LambdaClient, calls };
}

describe('finding a version by content', () => {
  it('pages through ListLayerVersions and keeps the newest N', async () => {
    const { client, calls } = fakeLambda([1, 2, 3, 4, 5].map((version) => ({ version, codeSha256: 'x' })));
    const items = await listNewestVersions(client, 'x', 3);
    expect(items.map((i) => i.Version)).toEqual([5, 4, 3]);
    expect(calls).toEqual(['list@0', 'list@2']);
  });

  it('confirms a match by CodeSha256, asking versions naming the digest first', async () => {
    const { client, calls } = fakeLambda([
      { version: 1, description: `pandas@1 sha256:${SHA}`, codeSha256: CODE },
      { version: 2, description: 'from another tool', codeSha256: 'other' },
      { version: 3, description: `pandas@2 sha256:${'b'.repeat(64)}`, codeSha256: 'other' },
    ]);
    const found = await findVersionByContent(client, 'x', { sha256: SHA, codeSha256: CODE });
    expect(found).toEqual({
      layerVersionArn: 'arn:aws:lambda:us-east-1:123456789012:layer:x:1',
      version: 1,
      createdAt: '2024-05-01T10:00:00.000Z',
    });
    expect(calls.filter((c) => c.startsWith('get'))).toEqual(['get 1']);
  });

  it('checks versions without a digest, skips those naming another, and trusts only CodeSha256', async () => {
    const { client, calls } = fakeLambda([
      { version: 1, description: 'hand-made', codeSha256: CODE },
      { version: 2, description: `sha256:${'b'.repeat(64)}`, codeSha256: CODE },
      // A description that lies about its content is not enough.
      { version: 3, description: `sha256:${SHA}`, codeSha256: 'tampered' },
    ]);
    const found = await findVersionByContent(client, 'x', { sha256: SHA, codeSha256: CODE });
    expect(found?.version).toBe(1);
    expect(calls.filter((c) => c.startsWith('get'))).toEqual(['get 3', 'get 1']);
  });

  it('finds nothing in an empty or non-matching layer', async () => {
    expect(
      await findVersionByContent(fakeLambda([]).client, 'x', { sha256: SHA, codeSha256: CODE }),
    ).toBeUndefined();
    const other = fakeLambda([{ version: 1, codeSha256: 'other' }]);
    expect(await findVersionByContent(other.client, 'x', { sha256: SHA, codeSha256: CODE })).toBeUndefined();
  });
});

describe('CreatedDate', () => {
  it('turns Lambda’s +0000 offsets into ISO 8601 UTC', () => {
    expect(isoDate('2024-05-01T10:00:00.123+0000')).toBe('2024-05-01T10:00:00.123Z');
    expect(isoDate('2024-05-01T12:00:00.000+0200')).toBe('2024-05-01T10:00:00.000Z');
    expect(isoDate('not a date')).toBe('not a date');
    expect(isoDate(undefined)).toBeUndefined();
  });
});
