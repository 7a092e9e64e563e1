import { isAbsolute, join } from 'node:path';
import { UserError } from '../errors.js';
import { sshHostConfig } from './ssh-config.js';

/** How to reach an `ssh://` Docker host: the URL, then ~/.ssh/config, then ssh's defaults. */
export interface SshTarget {
  /** The host as the URL names it: a ~/.ssh/config alias or a real name. */
  alias: string;
  hostname: string;
  port: number;
  username: string;
  /** The SSH agent's socket: IdentityAgent, else SSH_AUTH_SOCK. */
  agent?: string;
  /** Private keys offered after the agent's, in order; unreadable or locked ones are skipped. */
  identityFiles: string[];
  knownHostsFiles: string[];
  /** `ask` is `yes` here: layerforge cannot ask. */
  strictHostKeyChecking: 'yes' | 'accept-new' | 'no';
}

/** ssh's own keys, tried when ~/.ssh/config names none (the ones ssh2 can use). */
const DEFAULT_IDENTITIES = ['id_rsa', 'id_ecdsa', 'id_ed25519', 'id_dsa'];
const GLOBAL_KNOWN_HOSTS = '/etc/ssh/ssh_known_hosts';

/**
 * Resolves an ssh:// host the way `ssh` would for the docker CLI: the URL's user and port win
 * over ~/.ssh/config's User and Port, which win over the local user and 22.
 */
export async function resolveSshTarget(
  address: { hostname: string; port?: number; username?: string },
  env: NodeJS.ProcessEnv,
  home: string,
  origin: string,
): Promise<SshTarget> {
  const sshDir = join(home, '.ssh');
  const config = await sshHostConfig(sshDir, address.hostname);
  const localUser = env.USER ?? env.LOGNAME;
  const username = address.username ?? config.user ?? localUser;
  if (!username) {
    throw new UserError(`${origin}: no user name for ssh://${address.hostname}`, {
      hint: 'give one in the URL (ssh://user@host), as User in ~/.ssh/config, or set USER',
    });
  }
  const port = address.port ?? config.port ?? 22;
  const tokens = { alias: address.hostname, home, localUser: localUser ?? username, username, port };
  const hostname = config.hostName ? expand(config.hostName, tokens, address.hostname) : address.hostname;
  const withHost = { ...tokens, hostname };
  const agent = agentSocket(config.identityAgent, env, withHost);
  const identityFiles =
    config.identityFiles.length > 0
      ? config.identityFiles.map((file) => path(file, withHost, sshDir))
      : DEFAULT_IDENTITIES.map((name) => join(sshDir, name));
  const knownHostsFiles = [
    ...(config.userKnownHostsFiles
      ?.filter((file) => file !== 'none')
      .map((file) => path(file, withHost, sshDir)) ?? [
      join(sshDir, 'known_hosts'),
      join(sshDir, 'known_hosts2'),
    ]),
    GLOBAL_KNOWN_HOSTS,
  ];
  const strict = config.strictHostKeyChecking;
  return {
    alias: address.hostname,
    hostname,
    port,
    username,
    ...(agent ? { agent } : {}),
    identityFiles,
    knownHostsFiles,
    strictHostKeyChecking:
      strict === 'no' || strict === 'off' ? 'no' : strict === 'accept-new' ? 'accept-new' : 'yes',
  };
}

interface Tokens {
  alias: string;
  home: string;
  localUser: string;
  username: string;
  port: number;
  hostname?: string;
}

/** IdentityAgent: `none`, `SSH_AUTH_SOCK`, `$VAR` or a path; without it, SSH_AUTH_SOCK. */
function agentSocket(value: string | undefined, env: NodeJS.ProcessEnv, tokens: Tokens): string | undefined {
  if (value === undefined || value === 'SSH_AUTH_SOCK') return env.SSH_AUTH_SOCK || undefined;
  if (value === 'none') return undefined;
  if (value.startsWith('$')) return env[value.slice(1)] || undefined;
  return path(value, tokens, join(tokens.home, '.ssh'));
}

/** A path from ssh_config: `~` and the % tokens expanded; relative ones sit in ~/.ssh. */
function path(value: string, tokens: Tokens, sshDir: string): string {
  const expanded = expand(value.replace(/^~(?=\/|$)/, tokens.home), tokens, tokens.hostname ?? tokens.alias);
  return isAbsolute(expanded) ? expanded : join(sshDir, expanded);
}

/** ssh's % tokens that need no network: %% %d %h %n %p %r %u. Others stay as written. */
function expand(value: string, tokens: Tokens, hostname: string): string {
  return value.replace(/%([%dhnpru])/g, (_, token: string) => {
    switch (token) {
      case 'd':
        return tokens.home;
      case 'h':
        return hostname;
      case 'n':
        return tokens.alias;
      case 'p':
        return String(tokens.port);
      case 'r':
        return tokens.username;
      case 'u':
        return tokens.localUser;
      default:
        return '%';
    }
  });
}
