import { describe, expect, it } from 'vitest';
import {
  candidateOrigins,
  debianPackages,
  parseDpkgStatus,
  parseExported,
  parseRpmQuery,
  rpmPackages,
} from '../../../src/core/sbom/os-packages.js';

const STATUS = `Package: jq
Status: install ok installed
Architecture: amd64
Version: 1.6-2.1+deb12u2
Description: lightweight and flexible command-line JSON processor

Package: libjq1
Status: install ok installed
Architecture: amd64
Source: jq
Version: 1.6-2.1+deb12u2

Package: libonig5
Status: install ok installed
Architecture: amd64
Source: libonig (6.9.8-1)
Version: 6.9.8-1

Package: libc6
Status: install ok installed
Architecture: amd64
Source: glibc
Version: 2.36-9+deb12u10

Package: gone
Status: deinstall ok config-files
Architecture: amd64
Version: 1.0
`;

const LISTS = new Map([
  ['jq', '/.\n/usr\n/usr/bin\n/usr/bin/jq\n'],
  ['libjq1:amd64', '/usr/lib/x86_64-linux-gnu/libjq.so.1.0.4\n/usr/lib/x86_64-linux-gnu/libjq.so.1\n'],
  // Debian 12 ships some libraries under /lib while merged /usr finds them in /usr/lib.
  ['libonig5:amd64', '/lib/x86_64-linux-gnu/libonig.so.5.3.0\n'],
  ['libc6:amd64', '/lib/x86_64-linux-gnu/libc.so.6\n'],
  ['gone', '/usr/bin/gone\n'],
]);

const EXPORTED = parseExported(
  [
    'bin/jq\t/usr/bin/jq\t/usr/bin/jq',
    'lib/libjq.so.1\t/lib/x86_64-linux-gnu/libjq.so.1\t/usr/lib/x86_64-linux-gnu/libjq.so.1.0.4',
    'lib/libonig.so.5\t/lib/x86_64-linux-gnu/libonig.so.5\t/usr/lib/x86_64-linux-gnu/libonig.so.5.3.0',
    'bin/built\t/opt/bin/built\t/opt/bin/built',
    'share/gone\t/usr/bin/gone\t/usr/bin/gone',
    '',
  ].join('\n'),
);

describe('Debian packages of the exported files', () => {
  it('tries each path with and without /usr', () => {
    expect(candidateOrigins('lib/libonig.so.5', EXPORTED)).toEqual([
      '/lib/x86_64-linux-gnu/libonig.so.5',
      '/usr/lib/x86_64-linux-gnu/libonig.so.5',
      '/usr/lib/x86_64-linux-gnu/libonig.so.5.3.0',
      '/lib/x86_64-linux-gnu/libonig.so.5.3.0',
    ]);
    expect(
      candidateOrigins('share/proj/proj.db', parseExported('share/proj\t/usr/share/proj\t/usr/share/proj')),
    ).toEqual(['/usr/share/proj/proj.db']);
    expect(candidateOrigins('lib/other.so', EXPORTED)).toEqual([]);
  });

  it('lists the installed packages owning layer files, with versions, source packages and files', () => {
    const status = parseDpkgStatus(STATUS);
    expect(status.has('gone')).toBe(false);
    const packages = debianPackages(
      ['bin/jq', 'lib/libjq.so.1', 'lib/libonig.so.5', 'bin/built', 'python/x.py'],
      EXPORTED,
      status,
      LISTS,
      'debian12',
    );
    expect(packages).toEqual([
      {
        manager: 'deb',
        name: 'jq',
        version: '1.6-2.1+deb12u2',
        arch: 'amd64',
        os: 'debian12',
        files: ['bin/jq'],
      },
      {
        manager: 'deb',
        name: 'libjq1',
        version: '1.6-2.1+deb12u2',
        arch: 'amd64',
        sourcePackage: 'jq',
        os: 'debian12',
        files: ['lib/libjq.so.1'],
      },
      {
        manager: 'deb',
        name: 'libonig5',
        version: '6.9.8-1',
        arch: 'amd64',
        sourcePackage: 'libonig',
        os: 'debian12',
        files: ['lib/libonig.so.5'],
      },
    ]);
  });
});

// What `rpm -qa --qf RPM_QUERY_FORMAT` prints on Amazon Linux 2023 (epoch "(none)" when unset).
const RPM_QA = [
  'jq\t(none)\t1.7.1\t49.amzn2023.0.2\tx86_64\tMIT AND ICU AND CC-BY-3.0',
  'oniguruma\t(none)\t6.9.7.1\t1.amzn2023.0.3\tx86_64\tBSD',
  'openssl-libs\t1\t3.2.2\t1.amzn2023.0.2\tx86_64\tApache-2.0',
  'gpg-pubkey\t(none)\td832f4f6\t62f5d9d2\t(none)\t(none)',
  'glibc\t(none)\t2.34\t117.amzn2023.0.1\tx86_64\tLGPL-2.1-or-later',
  '',
].join('\n');

describe('rpm packages of the exported files', () => {
  it('parses rpm -qa output, epoch and licence included', () => {
    const installed = parseRpmQuery(RPM_QA);
    expect(installed.get('openssl-libs')).toEqual([
      {
        name: 'openssl-libs',
        epoch: '1',
        version: '3.2.2',
        release: '1.amzn2023.0.2',
        arch: 'x86_64',
        license: 'Apache-2.0',
      },
    ]);
    expect(installed.get('jq')?.[0]?.epoch).toBeUndefined();
    expect(installed.get('gpg-pubkey')?.[0]).not.toHaveProperty('license');
  });

  it('keeps the installed packages the plan found owning layer files', () => {
    const owners =
      'bin/jq\tjq\nlib/libonig.so.5\toniguruma\nlib/libcrypto.so.3\topenssl-libs\nlib/x\tunknown\n';
    const packages = rpmPackages(
      ['bin/jq', 'lib/libonig.so.5', 'lib/libcrypto.so.3', 'lib/x'],
      owners,
      parseRpmQuery(RPM_QA),
      'al2023',
    );
    expect(packages.map((p) => [p.name, p.version, p.epoch, p.files])).toEqual([
      ['jq', '1.7.1-49.amzn2023.0.2', undefined, ['bin/jq']],
      ['oniguruma', '6.9.7.1-1.amzn2023.0.3', undefined, ['lib/libonig.so.5']],
      ['openssl-libs', '3.2.2-1.amzn2023.0.2', '1', ['lib/libcrypto.so.3']],
    ]);
    expect(packages[0]).toMatchObject({
      manager: 'rpm',
      arch: 'x86_64',
      license: 'MIT AND ICU AND CC-BY-3.0',
      os: 'al2023',
    });
  });
});
