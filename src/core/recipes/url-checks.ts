import { createRequire } from 'node:module';
import type * as Net from 'node:net';

/**
 * Where a source URL points, by what its host is. A recipe is untrusted: a download from the
 * cloud metadata service or a link-local address would fetch credentials, not a tarball, and
 * one from loopback reaches whatever runs on the building machine.
 */
export type HostKind = 'metadata' | 'link-local' | 'unspecified' | 'loopback' | 'public';

const METADATA_HOSTS = new Set(['metadata.google.internal', 'instance-data', 'instance-data.ec2.internal']);

function blockList(subnets: [string, number, 'ipv4' | 'ipv6'][]): Net.BlockList {
  const list = new (createRequire(import.meta.url)('node:net') as typeof Net).BlockList();
  for (const [address, prefix, type] of subnets) list.addSubnet(address, prefix, type);
  return list;
}

// Made on the first address literal, not at load: node:net costs every start-up a few
// milliseconds (`list` loads this file), and most recipes name hosts, never addresses.
// IPv4-mapped IPv6 forms (::ffff:a.b.c.d) are listed too: the URL parser keeps them as IPv6.
let subnets: Record<Exclude<HostKind, 'public'>, Net.BlockList> | undefined;
function specialSubnets(): NonNullable<typeof subnets> {
  subnets ??= {
    metadata: blockList([
      ['169.254.169.254', 32, 'ipv4'],
      ['fd00:ec2::254', 128, 'ipv6'],
      ['::ffff:169.254.169.254', 128, 'ipv6'],
    ]),
    'link-local': blockList([
      ['169.254.0.0', 16, 'ipv4'],
      ['fe80::', 10, 'ipv6'],
      ['::ffff:169.254.0.0', 112, 'ipv6'],
    ]),
    unspecified: blockList([
      ['0.0.0.0', 8, 'ipv4'],
      ['::', 128, 'ipv6'],
      ['::ffff:0.0.0.0', 104, 'ipv6'],
    ]),
    loopback: blockList([
      ['127.0.0.0', 8, 'ipv4'],
      ['::1', 128, 'ipv6'],
      ['::ffff:127.0.0.0', 104, 'ipv6'],
    ]),
  };
  return subnets;
}

/** Classifies a URL's host as the WHATWG parser normalises it (so 0x7f.1 is already 127.0.0.1). */
export function hostKind(url: URL): HostKind {
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if (METADATA_HOSTS.has(host)) return 'metadata';
  if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback';
  const ipv6 = host.startsWith('[') && host.endsWith(']');
  const address = ipv6 ? host.slice(1, -1) : host;
  const type = ipv6 ? 'ipv6' : /^\d+\.\d+\.\d+\.\d+$/.test(address) ? 'ipv4' : undefined;
  if (type === undefined) return 'public';
  const special = specialSubnets();
  // In this order: the metadata address is also link-local.
  for (const kind of ['metadata', 'link-local', 'unspecified', 'loopback'] as const)
    if (special[kind].check(address, type)) return kind;
  return 'public';
}

function parse(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** True when `value` is a URL on this machine (loopback): allowed only with --allow-local-sources. */
export function isLocalUrl(value: string): boolean {
  const url = parse(value);
  return url !== undefined && hostKind(url) === 'loopback';
}

/**
 * What is wrong with a source URL whatever the flags say, or undefined. Plain http is accepted
 * only for loopback (a test server or local mirror), which is itself checked against the flag.
 */
export function sourceUrlProblem(value: string): string | undefined {
  const url = parse(value);
  if (url === undefined) return 'expected an https URL to download the source from';
  if (url.username !== '' || url.password !== '') {
    return 'a URL must not hold credentials: they would be stored in the recipe and printed';
  }
  const kind = hostKind(url);
  if (kind === 'metadata') return 'the URL points at a cloud metadata service';
  if (kind === 'link-local') return 'the URL points at a link-local address';
  if (kind === 'unspecified') return 'the URL points at an unspecified address';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && kind === 'loopback')) {
    return 'expected an https URL: plain http can be tampered with on the way';
  }
  return undefined;
}

/** A hint for a URL problem the user can act on. */
export function sourceUrlHint(value: string): string | undefined {
  const url = parse(value);
  if (url === undefined) return undefined;
  if (url.username !== '' || url.password !== '') {
    return 'remove the user and password; a recipe is shared, credentials are not';
  }
  if (hostKind(url) !== 'public')
    return 'download from a public https server, or put the file in the recipe folder and use path';
  if (url.protocol === 'http:') return `write https://${url.host}${url.pathname}${url.search}`;
  return undefined;
}
