import { describe, expect, it } from 'vitest';
import { knownHostVerdict } from '../../../src/core/engine/known-hosts.js';

// A public key and, below, lines for it hashed by `ssh-keygen -H` (OpenSSH 9.2): the
// first is [builder.example]:2222, the second 10.0.0.5.
const KEY = 'AAAAC3NzaC1lZDI1NTE5AAAAIBg1XYI78FKqpKk8FSuBZp86T92O/Kf+LxrG0fN3foi0';
const HASHED = [
  `|1|ck0s21Mvtf76L6Lh2eJv3esjYeA=|R/LESce+3a7KKELD2V9RqgzMIsU= ssh-ed25519 ${KEY}`,
  `|1|29mAtKDfiUIRfslnvPDtIiAgYLY=|Mc6EN33Pa+cl/zxd+IZTwyGNJF8= ssh-ed25519 ${KEY}`,
].join('\n');
// Another key: what the file holds after the host was replaced.
const OTHER = 'AAAAC3NzaC1lZDI1NTE5AAAAII3e/L6QGXLr8Aq5EZ8QzfWCiy5SSlBOj38M9cCE5etF';
const key = Buffer.from(KEY, 'base64');

describe('knownHostVerdict', () => {
  it('finds a plain entry, and names a host off port 22 as [host]:port', () => {
    expect(knownHostVerdict(`10.0.0.5 ssh-ed25519 ${KEY}\n`, '10.0.0.5', 22, key)).toBe('known');
    expect(knownHostVerdict(`10.0.0.5 ssh-ed25519 ${KEY}\n`, '10.0.0.5', 2222, key)).toBe('unknown');
    expect(knownHostVerdict(`[10.0.0.5]:2222 ssh-ed25519 ${KEY}\n`, '10.0.0.5', 2222, key)).toBe('known');
  });

  it('reads hashed entries as ssh-keygen -H writes them', () => {
    expect(knownHostVerdict(HASHED, 'builder.example', 2222, key)).toBe('known');
    expect(knownHostVerdict(HASHED, '10.0.0.5', 22, key)).toBe('known');
    expect(knownHostVerdict(HASHED, 'builder.example', 22, key)).toBe('unknown');
  });

  it('a listed host with another key has changed', () => {
    expect(knownHostVerdict(`10.0.0.5 ssh-ed25519 ${OTHER}\n`, '10.0.0.5', 22, key)).toBe('changed');
  });

  it('matches comma lists, wildcards and negations; skips comments and @cert-authority', () => {
    const text = [
      '# a comment',
      `@cert-authority *.example ssh-ed25519 ${KEY}`,
      `builder,*.build.example,!bad.build.example ssh-ed25519 ${KEY}`,
    ].join('\n');
    expect(knownHostVerdict(text, 'builder', 22, key)).toBe('known');
    expect(knownHostVerdict(text, 'x.build.example', 22, key)).toBe('known');
    expect(knownHostVerdict(text, 'bad.build.example', 22, key)).toBe('unknown');
    expect(knownHostVerdict(text, 'other.example', 22, key)).toBe('unknown');
  });

  it('a revoked key is refused even when another line lists it', () => {
    const text = `10.0.0.5 ssh-ed25519 ${KEY}\n@revoked * ssh-ed25519 ${KEY}\n`;
    expect(knownHostVerdict(text, '10.0.0.5', 22, key)).toBe('revoked');
  });
});
