import * as http from 'node:http';
import * as https from 'node:https';
import { isIP } from 'node:net';
import { checkServerIdentity, type ConnectionOptions } from 'node:tls';
import { Agent, type AgentConnectOpts } from 'agent-base';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { EnvHttpProxyAgent } from 'undici';
import { proxyForUrl, type ProxySettings } from './proxy.js';

/**
 * A Node HTTP agent for the AWS SDK's request handler that decides per request: through the
 * proxy (CONNECT for https://, absolute-form requests for http://), or direct when NO_PROXY
 * names the host. Connections are kept alive as the SDK's own agents keep them.
 */
export class ProxyRoutingAgent extends Agent {
  private readonly direct = {
    http: new http.Agent({ keepAlive: true }),
    https: new https.Agent({ keepAlive: true }),
  };
  private readonly viaProxy = new Map<string, Agent>();

  constructor(private readonly settings: ProxySettings) {
    super({ keepAlive: true });
  }

  override connect(_req: http.ClientRequest, opts: AgentConnectOpts): http.Agent {
    const secure = opts.secureEndpoint;
    const host = opts.host?.includes(':') ? `[${opts.host}]` : (opts.host ?? 'localhost');
    const target = new URL(`${secure ? 'https' : 'http'}://${host}:${opts.port}/`);
    const proxy = proxyForUrl(target, this.settings);
    if (proxy === undefined) return secure ? this.direct.https : this.direct.http;
    const ip = opts.host;
    if (secure && ip !== undefined && isIP(ip) !== 0) {
      // https-proxy-agent drops `host` before the TLS handshake in the tunnel, and with no server
      // name (none is sent for an IP) Node would check the certificate against "localhost".
      (opts as ConnectionOptions).checkServerIdentity ??= (_name, cert) => checkServerIdentity(ip, cert);
    }
    const key = `${secure ? 'https' : 'http'} ${proxy}`;
    let agent = this.viaProxy.get(key);
    if (!agent) {
      agent = secure
        ? new HttpsProxyAgent(proxy, { keepAlive: true })
        : new HttpProxyAgent(proxy, { keepAlive: true });
      this.viaProxy.set(key, agent);
    }
    return agent;
  }

  override destroy(): void {
    this.direct.http.destroy();
    this.direct.https.destroy();
    for (const agent of this.viaProxy.values()) agent.destroy();
    this.viaProxy.clear();
    super.destroy();
  }
}

/**
 * The dispatcher for `fetch` (undici's EnvHttpProxyAgent), given the settings explicitly: an
 * empty string stops undici from reading the process's own variables, so the job's environment
 * is the only one that counts.
 */
export function proxyDispatcher(settings: ProxySettings): EnvHttpProxyAgent {
  return new EnvHttpProxyAgent({
    httpProxy: settings.httpProxy ?? '',
    httpsProxy: settings.httpsProxy ?? '',
    noProxy: settings.noProxy ?? '',
  });
}
