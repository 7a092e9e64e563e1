import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/core/redact.js';

describe('Redactor', () => {
  it('hides every known value, the longest first, and ignores short ones', () => {
    const r = new Redactor();
    r.add('AKIAEXAMPLE00000001', 'token-AKIAEXAMPLE00000001-tail', 'short', undefined);
    expect(r.redact('a token-AKIAEXAMPLE00000001-tail b AKIAEXAMPLE00000001 short')).toBe(
      'a [redacted] b [redacted] short',
    );
  });

  it('hides a URL value whole, and its password as written, decoded and with its user', () => {
    const r = new Redactor();
    r.addValue('https://builder:s3cr%40t-pw@index.corp/simple');
    expect(r.redact('Looking in indexes: https://builder:s3cr%40t-pw@index.corp/simple')).toBe(
      'Looking in indexes: [redacted]',
    );
    expect(r.redact('https://builder:s3cr%40t-pw@other.corp/')).toBe('https://[redacted]other.corp/');
    expect(r.redact('password s3cr@t-pw')).toBe('password [redacted]');
  });

  it('hides a short proxy password only next to its user, where it cannot occur by chance', () => {
    const r = new Redactor();
    r.addValue('http://me:pw@127.0.0.1:3128');
    expect(r.redact('3/3 passed via http://me:pw@127.0.0.1:3128')).toBe('3/3 passed via [redacted]');
    expect(r.redact('proxy http://me:pw@elsewhere')).toBe('proxy http://[redacted]elsewhere');
  });

  it('redacts every string of an event, leaving other values', () => {
    const r = new Redactor();
    expect(r.redactDeep({ a: 1 })).toEqual({ a: 1 });
    r.add('secret-value-1');
    expect(
      r.redactDeep({ type: 'build.log', line: 'x secret-value-1', n: 3, list: ['secret-value-1'] }),
    ).toEqual({ type: 'build.log', line: 'x [redacted]', n: 3, list: ['[redacted]'] });
  });
});
