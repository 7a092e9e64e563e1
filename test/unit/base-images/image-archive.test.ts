import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import tar from 'tar-stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { rootfsImageArchive } from '../../../src/core/base-images/image-archive.js';
import { sharedTempDir } from '../../support/temp-dir.js';

const shared = sharedTempDir('layerforge-archive-');
let dir: string;
let rootfsTar: string;
let rootfsBytes: Buffer;

beforeAll(async () => {
  dir = shared.path;
  // A tiny root file system: a real tar with a folder and a shell script.
  const pack = tar.pack();
  pack.entry({ name: 'bin/', type: 'directory', mode: 0o755 });
  pack.entry({ name: 'bin/sh', mode: 0o755 }, '#!/bin/true\n');
  pack.entry({ name: 'etc/os-release', mode: 0o644 }, 'ID=debian\nVERSION_ID="12"\n');
  pack.finalize();
  rootfsBytes = await buffer(pack as unknown as Readable);
  rootfsTar = join(dir, 'rootfs.tar');
  await writeFile(rootfsTar, rootfsBytes);
});

/** Every entry of a `docker load` archive: name, header size and bytes. */
async function readArchive(
  archive: Readable,
): Promise<Map<string, { size: number | undefined; body: Buffer }>> {
  const entries = new Map<string, { size: number | undefined; body: Buffer }>();
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      buffer(stream).then((body) => {
        entries.set(header.name, { size: header.size, body });
        next();
      }, reject);
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  extract.end(await buffer(archive));
  await done;
  return entries;
}

interface Manifest {
  Config: string;
  RepoTags: string[];
  Layers: string[];
}
interface ImageConfig {
  architecture: string;
  variant?: string;
  os: string;
  rootfs: { type: string; diff_ids: string[] };
}

async function load(arch: 'x86_64' | 'arm64', tag: string) {
  const entries = await readArchive(await rootfsImageArchive(rootfsTar, tag, arch));
  const manifestEntry = entries.get('manifest.json');
  if (!manifestEntry) throw new Error(`no manifest.json among ${[...entries.keys()].join(', ')}`);
  const manifests = JSON.parse(manifestEntry.body.toString('utf8')) as Manifest[];
  const manifest = manifests[0];
  if (!manifest) throw new Error('empty manifest.json');
  const configEntry = entries.get(manifest.Config);
  if (!configEntry) throw new Error(`config ${manifest.Config} missing`);
  return {
    entries,
    manifests,
    manifest,
    configEntry,
    config: JSON.parse(configEntry.body.toString('utf8')) as ImageConfig,
  };
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('rootfsImageArchive', () => {
  it('holds one image tagged as asked, with one layer', async () => {
    const { entries, manifests, manifest } = await load('x86_64', 'layerforge/debian12-rootfs:abc-x86_64');
    expect(manifests).toHaveLength(1);
    expect(manifest.RepoTags).toEqual(['layerforge/debian12-rootfs:abc-x86_64']);
    expect(manifest.Layers).toHaveLength(1);
    expect([...entries.keys()].sort()).toEqual([manifest.Config, manifest.Layers[0], 'manifest.json'].sort());
  });

  it('says amd64 for x86_64, with no variant', async () => {
    const { config } = await load('x86_64', 'rootfs:amd64');
    expect(config.architecture).toBe('amd64');
    expect(config).not.toHaveProperty('variant');
    expect(config.os).toBe('linux');
  });

  it('says arm64 variant v8 for arm64', async () => {
    const { config } = await load('arm64', 'rootfs:arm64');
    expect(config.architecture).toBe('arm64');
    expect(config.variant).toBe('v8');
  });

  it('stores the root file system unchanged as the layer, with its sha256 as diff_id', async () => {
    const { entries, manifest, config } = await load('arm64', 'rootfs:arm64');
    const layerName = manifest.Layers[0] ?? '';
    const layer = entries.get(layerName);
    expect(layer?.size).toBe(rootfsBytes.length);
    expect(layer?.body.equals(rootfsBytes)).toBe(true);
    expect(config.rootfs).toEqual({ type: 'layers', diff_ids: [`sha256:${sha256(rootfsBytes)}`] });
    expect(layerName).toBe(`${sha256(rootfsBytes)}/layer.tar`);
  });

  it('names the config after its own sha256, as the image id', async () => {
    const { manifest, configEntry } = await load('x86_64', 'rootfs:amd64');
    expect(manifest.Config).toBe(`${sha256(configEntry.body)}.json`);
  });

  it('is reproducible: the same root file system gives the same bytes', async () => {
    const first = await buffer(await rootfsImageArchive(rootfsTar, 'rootfs:same', 'x86_64'));
    const second = await buffer(await rootfsImageArchive(rootfsTar, 'rootfs:same', 'x86_64'));
    expect(second.equals(first)).toBe(true);
    // The input file is only read.
    expect((await readFile(rootfsTar)).equals(rootfsBytes)).toBe(true);
  });
});
