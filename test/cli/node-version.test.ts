/**
 * The Node.js policy: package.json's engines allows 20, the launcher warns below 22 (Node 20 is
 * past its end of life and the AWS SDK drops it in January 2027) and refuses below 20.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  MINIMUM_NODE_MAJOR,
  RECOMMENDED_NODE_MAJOR,
  nodeVersionNotice,
  warnAboutNode,
} from '../../bin/node-version.js';

const repo = join(import.meta.dirname, '..', '..');

function stderr() {
  const lines: string[] = [];
  return { lines, write: (text: string) => lines.push(text) };
}

describe('the Node.js version policy', () => {
  it('package.json engines allows the oldest major the launcher accepts, and README says why', () => {
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe(`>=${MINIMUM_NODE_MAJOR}`);
    expect([MINIMUM_NODE_MAJOR, RECOMMENDED_NODE_MAJOR]).toEqual([20, 22]);
    const readme = readFileSync(join(repo, 'README.md'), 'utf8');
    expect(readme).toContain('(`engines` is `>=20`)');
  });

  it('warns once, on the stream it is given, under Node 20', () => {
    const err = stderr();
    expect(warnAboutNode('v20.20.2', err)).toBe(false);
    expect(err.lines).toHaveLength(1);
    expect(err.lines[0]).toMatch(
      /^layerforge: warning: Node\.js v20\.20\.2 reached end of life .*Node\.js 22 or 24\.\n$/,
    );
  });

  it('says nothing under Node 22, 24 and newer', () => {
    for (const version of ['v22.0.0', 'v22.23.5', 'v24.22.3', 'v26.1.0']) {
      const err = stderr();
      expect(warnAboutNode(version, err), version).toBe(false);
      expect(err.lines, version).toEqual([]);
    }
  });

  it('refuses Node 18 and older (the launcher exits 1)', () => {
    const err = stderr();
    expect(warnAboutNode('v18.20.4', err)).toBe(true);
    expect(err.lines).toEqual([
      'layerforge: error: Node.js v18.20.4 is too old: layerforge needs Node.js 20 or newer (22 or 24 recommended)\n',
    ]);
  });

  it('lets a version it cannot read through', () => {
    expect(nodeVersionNotice('')).toBeUndefined();
    expect(nodeVersionNotice('nightly')).toBeUndefined();
  });

  it('agrees with the Node running this test', () => {
    const major = Number(process.versions.node.split('.')[0]);
    expect(nodeVersionNotice(process.version)?.fatal ?? false).toBe(false);
    expect(nodeVersionNotice(process.version) !== undefined).toBe(major < RECOMMENDED_NODE_MAJOR);
  });
});
