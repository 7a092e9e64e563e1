/**
 * The proxy variables every HTTP tool reads (curl, pip, apt, dnf, the AWS CLI): HTTP_PROXY for
 * http:// URLs, HTTPS_PROXY for https:// ones, NO_PROXY for hosts reached directly. The lowercase
 * form wins over the uppercase one, as in curl and undici. layerforge passes them to the AWS
 * SDK, to source downloads and to build containers; they never enter a cache key (a proxy does
 * not change the bytes a build gets).
 */
export interface ProxySettings {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
}

function pick(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = (env[name.toLowerCase()] ?? env[name.toUpperCase()])?.trim();
  return value !== undefined && value.length > 0 ? value : undefined;
}

/** `proxy:3128` means `http://proxy:3128`, as curl reads it. */
function withScheme(proxy: string | undefined): string | undefined {
  return proxy === undefined || proxy.includes('://') ? proxy : `http://${proxy}`;
}

/** The proxy settings in `env`; an unset or empty variable is absent. */
export function proxySettingsFrom(env: NodeJS.ProcessEnv): ProxySettings {
  const httpProxy = withScheme(pick(env, 'http_proxy'));
  const httpsProxy = withScheme(pick(env, 'https_proxy'));
  const noProxy = pick(env, 'no_proxy');
  return {
    ...(httpProxy ? { httpProxy } : {}),
    ...(httpsProxy ? { httpsProxy } : {}),
    ...(noProxy ? { noProxy } : {}),
  };
}

export function hasProxy(settings: ProxySettings): boolean {
  return settings.httpProxy !== undefined || settings.httpsProxy !== undefined;
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

interface NoProxyEntry {
  hostname: string;
  port: number;
}

function noProxyEntries(noProxy: string): NoProxyEntry[] {
  return noProxy
    .split(/[,\s]/)
    .filter((entry) => entry.length > 0)
    .map((entry) => {
      const withPort = /^(.+):(\d+)$/.exec(entry);
      return {
        // `.example.com` and `*.example.com` mean the same as `example.com`: it and its subdomains.
        hostname: (withPort?.[1] ?? entry).replace(/^\*?\./, '').toLowerCase(),
        port: withPort?.[2] ? Number.parseInt(withPort[2], 10) : 0,
      };
    });
}

/**
 * Whether a request to `url` goes direct: NO_PROXY is `*`, or names the host or a parent domain
 * of it (with the port, when an entry gives one). The same rules as undici's EnvHttpProxyAgent,
 * which source downloads use, so the SDK and downloads never disagree about a host.
 */
export function bypassesProxy(url: URL, noProxy: string | undefined): boolean {
  if (noProxy === undefined) return false;
  if (noProxy.trim() === '*') return true;
  // `host` keeps the brackets of an IPv6 address, as NO_PROXY entries write it.
  const hostname = url.host.replace(/:\d*$/, '').toLowerCase();
  const port = Number.parseInt(url.port, 10) || DEFAULT_PORTS[url.protocol] || 0;
  return noProxyEntries(noProxy).some(
    (entry) =>
      (entry.port === 0 || entry.port === port) &&
      (hostname === entry.hostname || hostname.endsWith(`.${entry.hostname}`)),
  );
}

/** The proxy for a request to `url`, or undefined to go direct. */
export function proxyForUrl(url: URL, settings: ProxySettings): string | undefined {
  const proxy = url.protocol === 'https:' ? (settings.httpsProxy ?? settings.httpProxy) : settings.httpProxy;
  if (proxy === undefined || bypassesProxy(url, settings.noProxy)) return undefined;
  return proxy;
}

/**
 * The variables a build container gets so pip, apt, dnf and curl inside use the same proxy:
 * both spellings, since tools differ (curl reads only `http_proxy` in lowercase, others only the
 * uppercase forms).
 */
export function containerProxyEnv(settings: ProxySettings): Record<string, string> {
  const env: Record<string, string> = {};
  const set = (name: string, value: string | undefined) => {
    if (value === undefined) return;
    env[name.toUpperCase()] = value;
    env[name.toLowerCase()] = value;
  };
  set('http_proxy', settings.httpProxy);
  set('https_proxy', settings.httpsProxy);
  set('no_proxy', settings.noProxy);
  return env;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** A proxy on this machine's loopback, which a container on the engine's default network cannot reach. */
export function loopbackProxies(settings: ProxySettings): string[] {
  return [settings.httpProxy, settings.httpsProxy].filter((proxy): proxy is string => {
    if (proxy === undefined) return false;
    try {
      const { hostname } = new URL(proxy);
      return LOOPBACK_HOSTS.has(hostname) || hostname.startsWith('127.');
    } catch {
      return false;
    }
  });
}
