import { createHmac, timingSafeEqual } from 'node:crypto';
import { wildcardMatch } from './ssh-config.js';

/** What known_hosts says about a host's key. */
export type KnownHostVerdict = 'known' | 'changed' | 'unknown' | 'revoked';

/** How ssh names a host in known_hosts: `host`, or `[host]:port` off port 22. */
export function knownHostsName(hostname: string, port: number): string {
  return port === 22 ? hostname : `[${hostname}]:${port}`;
}

/**
 * Checks a server's host key (the raw key blob) against known_hosts text, as ssh does with
 * StrictHostKeyChecking: plain, wildcard and hashed (`|1|salt|hash`) host names, negations,
 * and `@revoked` lines. `@cert-authority` lines are skipped: host certificates are not checked.
 */
export function knownHostVerdict(
  text: string,
  hostname: string,
  port: number,
  key: Buffer,
): KnownHostVerdict {
  const name = knownHostsName(hostname, port).toLowerCase();
  let listed = false;
  let known = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.length === 0 || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    const marker = fields[0]?.startsWith('@') ? fields.shift() : undefined;
    const [hosts, , blob] = fields;
    if (hosts === undefined || blob === undefined || marker === '@cert-authority') continue;
    if (!hostsFieldMatches(hosts, name)) continue;
    const same = Buffer.from(blob, 'base64').equals(key);
    // A revoked key is refused wherever its line is, as ssh does.
    if (marker === '@revoked') {
      if (same) return 'revoked';
      continue;
    }
    known ||= same;
    listed = true;
  }
  return known ? 'known' : listed ? 'changed' : 'unknown';
}

function hostsFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|1|')) return hashedMatches(field, name);
  let matched = false;
  for (const raw of field.split(',')) {
    const negated = raw.startsWith('!');
    const pattern = (negated ? raw.slice(1) : raw).toLowerCase();
    if (!wildcardMatch(name, pattern)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

/** `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`, as `HashKnownHosts yes` writes it. */
function hashedMatches(field: string, name: string): boolean {
  const [, , salt, hash] = field.split('|');
  if (salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
