import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DockerContextMeta } from './docker-context-schema.js';
import { UserError } from '../errors.js';

/**
 * The docker CLI's configuration folder: `$DOCKER_CONFIG`, else `~/.docker`. Contexts, the
 * current context and the default TLS files all live under it.
 */
export function dockerConfigDir(env: NodeJS.ProcessEnv, home: string): string {
  const configured = env.DOCKER_CONFIG;
  return configured && configured.length > 0 ? configured : join(home, '.docker');
}

/** `currentContext` in config.json, if set; a missing file is no context. */
export async function currentContextName(configDir: string): Promise<string | undefined> {
  const path = join(configDir, 'config.json');
  const text = await readIfPresent(path);
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${path} is not valid JSON, so its current Docker context cannot be read`, {
      cause: error,
      hint: 'fix the file (the docker CLI writes it), or choose the engine with --docker-host or --context',
    });
  }
  // The one key layerforge reads, checked without zod: the docker CLI writes this file for
  // `docker login` too, and every command that reaches an engine reads it.
  const name = isObject(parsed) ? parsed.currentContext : undefined;
  if (!isObject(parsed) || (name !== undefined && typeof name !== 'string')) {
    throw new UserError(`${path}: currentContext must be a string`, {
      hint: 'run `docker context use <name>` to set it again',
    });
  }
  return name && name.length > 0 ? name : undefined;
}

/** A context's Docker endpoint, as `docker context create --docker host=...` stored it. */
export interface DockerContext {
  name: string;
  host: string;
  skipTlsVerify: boolean;
  /** The context's TLS files (ca.pem, cert.pem, key.pem), each there or not. */
  tlsDir: string;
  /** Any of them is there: the docker CLI then talks TLS to a tcp host. */
  hasTlsFiles: boolean;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a context from the docker CLI's store: its metadata in
 * `contexts/meta/<sha256 of the name>/meta.json`, its TLS files in
 * `contexts/tls/<sha256 of the name>/docker/`. `origin` says who chose it, for the errors.
 */
export async function loadDockerContext(
  configDir: string,
  name: string,
  origin: string,
): Promise<DockerContext> {
  const id = createHash('sha256').update(name).digest('hex');
  const metaPath = join(configDir, 'contexts', 'meta', id, 'meta.json');
  const text = await readIfPresent(metaPath);
  if (text === undefined) {
    throw new UserError(`Docker context "${name}" (from ${origin}) was not found in ${configDir}`, {
      hint: 'run `docker context ls` to see the contexts, or create it with `docker context create`',
    });
  }
  // The schema, and zod, load only when a context is used.
  const { contextMetaSchema } = await import('./docker-context-schema.js');
  let meta: DockerContextMeta;
  try {
    meta = contextMetaSchema.parse(JSON.parse(text));
  } catch (error) {
    throw new UserError(`Docker context "${name}": ${metaPath} is not a context's metadata`, {
      cause: error,
      hint: 'recreate it with `docker context rm` and `docker context create`',
    });
  }
  const endpoint = meta.Endpoints.docker;
  if (!endpoint?.Host) {
    throw new UserError(`Docker context "${name}" has no Docker endpoint`, {
      hint: `set one with \`docker context update ${name} --docker host=...\``,
    });
  }
  const tlsDir = join(configDir, 'contexts', 'tls', id, 'docker');
  const tlsFiles = await Promise.all(
    ['ca.pem', 'cert.pem', 'key.pem'].map((file) => readIfPresent(join(tlsDir, file))),
  );
  return {
    name,
    host: endpoint.Host,
    skipTlsVerify: endpoint.SkipTLSVerify ?? false,
    tlsDir,
    hasTlsFiles: tlsFiles.some((file) => file !== undefined),
  };
}

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UserError(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}
