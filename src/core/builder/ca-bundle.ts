import { existsSync, realpathSync } from 'node:fs';
import type { Mount } from '../engine/container-engine.js';

const CONTAINER_PATH = '/etc/layerforge/ca-bundle.crt';

/**
 * The host's CA bundle, so builds behind a TLS-intercepting proxy (a corporate egress gateway)
 * can reach package indexes: $LAYERFORGE_CA_BUNDLE, else the bundle the host's own tools are told
 * to use. Returns the mount and the variables pip, requests, curl, Node and OpenSSL read.
 */
export function caBundleForContainer(env: NodeJS.ProcessEnv): {
  mounts: Mount[];
  env: Record<string, string>;
} {
  const candidates = [env.LAYERFORGE_CA_BUNDLE, env.SSL_CERT_FILE, env.REQUESTS_CA_BUNDLE, env.PIP_CERT];
  const file = candidates.find((c): c is string => typeof c === 'string' && c.length > 0 && existsSync(c));
  if (!file) return { mounts: [], env: {} };
  return {
    // Docker mounts the link itself, not its target, so resolve it first.
    mounts: [{ hostPath: realpathSync(file), containerPath: CONTAINER_PATH, readOnly: true }],
    env: {
      PIP_CERT: CONTAINER_PATH,
      REQUESTS_CA_BUNDLE: CONTAINER_PATH,
      SSL_CERT_FILE: CONTAINER_PATH,
      CURL_CA_BUNDLE: CONTAINER_PATH,
      NODE_EXTRA_CA_CERTS: CONTAINER_PATH,
    },
  };
}
