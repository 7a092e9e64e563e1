import { symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { caBundleForContainer } from '../../../src/core/builder/ca-bundle.js';
import { sharedTempDir } from '../../support/temp-dir.js';

const IN_CONTAINER = '/etc/layerforge/ca-bundle.crt';
const shared = sharedTempDir('layerforge-ca-');
let dir: string;
let corporate: string;
let system: string;

beforeAll(async () => {
  dir = shared.path;
  corporate = join(dir, 'corporate.pem');
  system = join(dir, 'system.pem');
  await writeFile(corporate, '-----BEGIN CERTIFICATE-----\ncorporate\n');
  await writeFile(system, '-----BEGIN CERTIFICATE-----\nsystem\n');
  await symlink(corporate, join(dir, 'link.pem'));
});

describe('caBundleForContainer', () => {
  it('mounts $LAYERFORGE_CA_BUNDLE read-only and points every client at it', () => {
    expect(caBundleForContainer({ LAYERFORGE_CA_BUNDLE: corporate, SSL_CERT_FILE: system })).toEqual({
      mounts: [{ hostPath: corporate, containerPath: IN_CONTAINER, readOnly: true }],
      env: {
        PIP_CERT: IN_CONTAINER,
        REQUESTS_CA_BUNDLE: IN_CONTAINER,
        SSL_CERT_FILE: IN_CONTAINER,
        CURL_CA_BUNDLE: IN_CONTAINER,
        NODE_EXTRA_CA_CERTS: IN_CONTAINER,
      },
    });
  });

  it.each([['SSL_CERT_FILE'], ['REQUESTS_CA_BUNDLE'], ['PIP_CERT']])('falls back to %s', (name) => {
    expect(caBundleForContainer({ [name]: system }).mounts).toEqual([
      { hostPath: system, containerPath: IN_CONTAINER, readOnly: true },
    ]);
  });

  it('skips candidates whose file does not exist, and empty ones', () => {
    const result = caBundleForContainer({
      LAYERFORGE_CA_BUNDLE: join(dir, 'missing.pem'),
      SSL_CERT_FILE: '',
      REQUESTS_CA_BUNDLE: system,
    });
    expect(result.mounts.map((m) => m.hostPath)).toEqual([system]);
  });

  it('mounts the file a symlink points at, since the engine would mount the link itself', () => {
    expect(caBundleForContainer({ LAYERFORGE_CA_BUNDLE: join(dir, 'link.pem') }).mounts[0]?.hostPath).toBe(
      corporate,
    );
  });

  it('mounts nothing and sets nothing when there is no bundle', () => {
    expect(caBundleForContainer({})).toEqual({ mounts: [], env: {} });
    expect(caBundleForContainer({ LAYERFORGE_CA_BUNDLE: join(dir, 'missing.pem') })).toEqual({
      mounts: [],
      env: {},
    });
  });
});
