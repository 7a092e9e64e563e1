import { describe, expect, it } from 'vitest';
import {
  bypassesProxy,
  containerProxyEnv,
  loopbackProxies,
  proxyForUrl,
  proxySettingsFrom,
} from '../../../src/core/net/proxy.js';

describe('proxySettingsFrom', () => {
  it('reads both spellings, the lowercase one first (as curl and undici do)', () => {
    expect(
      proxySettingsFrom({
        HTTPS_PROXY: 'http://upper:3128',
        https_proxy: 'http://lower:3128',
        HTTP_PROXY: 'http://plain:3128',
        NO_PROXY: 'localhost',
      }),
    ).toEqual({ httpsProxy: 'http://lower:3128', httpProxy: 'http://plain:3128', noProxy: 'localhost' });
  });

  it('takes an empty variable as unset, and a proxy without a scheme as http://', () => {
    expect(proxySettingsFrom({ HTTPS_PROXY: '', HTTP_PROXY: ' ', NO_PROXY: '' })).toEqual({});
    expect(proxySettingsFrom({ HTTPS_PROXY: 'proxy.corp:3128' }).httpsProxy).toBe('http://proxy.corp:3128');
  });
});

describe('NO_PROXY', () => {
  const direct = (url: string, noProxy: string | undefined) => bypassesProxy(new URL(url), noProxy);

  it('names a host and its subdomains, with or without a leading dot or star', () => {
    for (const entry of ['example.com', '.example.com', '*.example.com']) {
      expect(direct('https://example.com/x', entry)).toBe(true);
      expect(direct('https://lambda.example.com/x', entry)).toBe(true);
      expect(direct('https://notexample.com/x', entry)).toBe(false);
    }
  });

  it('matches ports when an entry gives one, the scheme default otherwise', () => {
    expect(direct('http://127.0.0.1:5000/', '127.0.0.1:5000')).toBe(true);
    expect(direct('http://127.0.0.1:5001/', '127.0.0.1:5000')).toBe(false);
    expect(direct('https://example.com/', 'example.com:443')).toBe(true);
    expect(direct('http://127.0.0.1:5001/', '127.0.0.1')).toBe(true);
  });

  it('takes a list split by commas or spaces, * for everything, case-insensitively', () => {
    expect(direct('https://B.example/', 'a.example, b.example')).toBe(true);
    expect(direct('https://c.example/', 'a.example b.example')).toBe(false);
    expect(direct('https://anything/', '*')).toBe(true);
    expect(direct('https://anything/', undefined)).toBe(false);
    expect(direct('http://[::1]:8080/', '[::1]')).toBe(true);
  });
});

describe('proxyForUrl', () => {
  const settings = { httpProxy: 'http://p:1', httpsProxy: 'http://s:2', noProxy: 'internal' };
  it('HTTPS_PROXY for https, HTTP_PROXY for http, none past NO_PROXY', () => {
    expect(proxyForUrl(new URL('https://a.example/'), settings)).toBe('http://s:2');
    expect(proxyForUrl(new URL('http://a.example/'), settings)).toBe('http://p:1');
    expect(proxyForUrl(new URL('https://x.internal/'), settings)).toBeUndefined();
  });

  it('falls back to HTTP_PROXY for https when HTTPS_PROXY is unset, as undici does', () => {
    expect(proxyForUrl(new URL('https://a.example/'), { httpProxy: 'http://p:1' })).toBe('http://p:1');
    expect(proxyForUrl(new URL('http://a.example/'), { httpsProxy: 'http://s:2' })).toBeUndefined();
  });
});

describe('containerProxyEnv', () => {
  it('sets both spellings, since tools inside read one or the other', () => {
    expect(containerProxyEnv({ httpsProxy: 'http://s:2', noProxy: 'internal' })).toEqual({
      HTTPS_PROXY: 'http://s:2',
      https_proxy: 'http://s:2',
      NO_PROXY: 'internal',
      no_proxy: 'internal',
    });
    expect(containerProxyEnv({})).toEqual({});
  });
});

describe('loopbackProxies', () => {
  it('finds proxies a container on the default network cannot reach', () => {
    expect(
      loopbackProxies({ httpProxy: 'http://127.0.0.2:3128', httpsProxy: 'http://localhost:3128' }),
    ).toEqual(['http://127.0.0.2:3128', 'http://localhost:3128']);
    expect(loopbackProxies({ httpsProxy: 'http://proxy.corp:3128' })).toEqual([]);
  });
});
