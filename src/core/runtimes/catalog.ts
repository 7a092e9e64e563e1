import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { closest, distance } from 'fastest-levenshtein';
import type * as Yaml from 'yaml';
import type * as Zod from 'zod';
import { UserError } from '../errors.js';
import { dataDir } from '../paths.js';
import { precompiledValue } from '../yaml/precompiled.js';
import { zodOnDemand } from '../zod-on-demand.js';
import { buildLifecycleSchema, type LifecycleData } from './lifecycle-schema.js';

export const ARCHITECTURES = ['x86_64', 'arm64'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];
export type RuntimeFamily = 'python' | 'nodejs' | 'ruby' | 'java' | 'dotnet' | 'provided';

// Built on first use: a catalog read from the bundle's table (every start-up of the bundled CLI)
// needs no schema.
function buildCatalogSchema() {
  const z = zodOnDemand();
  const osSchema = z.strictObject({ name: z.string(), glibc: z.string().regex(/^\d+\.\d+$/) });
  const archSchema = z.strictObject({
    elfMachine: z.string(),
    pipPlatform: z.string(),
    dockerPlatform: z.string(),
  });
  const family = z.enum(['python', 'nodejs', 'ruby', 'java', 'dotnet', 'provided']);
  return z.strictObject({
    operatingSystems: z.record(z.string(), osSchema),
    architectures: z.strictObject({ x86_64: archSchema, arm64: archSchema }),
    layerPaths: z.strictObject({
      python: z.array(z.string()),
      nodejs: z.array(z.string()),
      ruby: z.array(z.string()),
      java: z.array(z.string()),
      dotnet: z.array(z.string()),
      provided: z.array(z.string()),
      all: z.array(z.string()),
    }),
    runtimes: z.record(
      z.string(),
      z.strictObject({ family, version: z.string(), os: z.string(), runtimeImage: z.string() }),
    ),
    lifecycle: buildLifecycleSchema(),
  });
}
let catalogSchema: ReturnType<typeof buildCatalogSchema> | undefined;
type Catalog = Zod.infer<ReturnType<typeof buildCatalogSchema>>;

/** Everything layerforge knows about one Lambda runtime id. */
export interface LambdaRuntime {
  id: string;
  family: RuntimeFamily;
  /** Language version: `3.12` for python3.12, `20` for nodejs20.x, `al2023` for provided.al2023. */
  version: string;
  os: { id: string; name: string; glibc: string };
  /** Paths in the zip that this runtime searches, most specific first, plus bin/ and lib/. */
  layerPaths: string[];
  /** AWS's multi-arch name; data/lambda-images.yaml gives the per-arch tags builds use. */
  runtimeImage: string;
}

export const RUNTIMES_FILE: string = join(dataDir, 'runtimes.yaml');

/** data/runtimes.yaml's text, validated; the bundle ships the result (../yaml/precompiled.ts). */
export function parseRuntimeCatalog(text: string): Catalog {
  // Callers are synchronous (getRuntime, parseArchitecture …), so the YAML parser cannot be an
  // async import; the bundle's table makes this path rare (code run from src/, an edited data
  // file), and then the parser is required from node_modules, where the package's dependency is.
  const { parse } = createRequire(import.meta.url)('yaml') as typeof Yaml;
  catalogSchema ??= buildCatalogSchema();
  return catalogSchema.parse(parse(text));
}

let cached: Catalog | undefined;
function catalog(): Catalog {
  if (cached) return cached;
  const text = readFileSync(RUNTIMES_FILE, 'utf8');
  const data =
    (precompiledValue('runtimes', text)?.value as Catalog | undefined) ?? parseRuntimeCatalog(text);
  // Every runtime has a lifecycle entry, even one without dates: a forgotten one would read as
  // "supported forever".
  const ids = Object.keys(data.runtimes).sort().join(',');
  const dated = Object.keys(data.lifecycle.runtimes).sort().join(',');
  if (ids !== dated)
    throw new Error(`runtimes.yaml: lifecycle.runtimes (${dated}) must list the runtimes (${ids})`);
  cached = data;
  return cached;
}

/** The `lifecycle:` part of the catalog: dates per runtime id, and where they come from. */
export function lifecycleData(): LifecycleData {
  return catalog().lifecycle;
}

export function runtimeIds(): string[] {
  return Object.keys(catalog().runtimes);
}

export function isArchitecture(value: string): value is Architecture {
  return (ARCHITECTURES as readonly string[]).includes(value);
}

export function architectureInfo(arch: Architecture): Catalog['architectures']['x86_64'] {
  return catalog().architectures[arch];
}

/** Runtime ids within a small edit distance of `id`, nearest first. */
export function closeRuntimeIds(id: string): string[] {
  const ids = runtimeIds();
  const near = ids
    .map((candidate) => ({ candidate, d: distance(id, candidate) }))
    .filter(({ d }) => d <= 3)
    .sort((a, b) => a.d - b.d)
    .map(({ candidate }) => candidate);
  // A family prefix ("python") should list that family even when the edit distance is large.
  const sameFamily = ids.filter(
    (candidate) => id.length >= 3 && candidate.startsWith(id.replace(/[\d.x]+$/, '')),
  );
  const merged = [...new Set([...near, ...sameFamily])];
  return merged.length > 0 ? merged.slice(0, 6) : [closest(id, ids)];
}

function fillPath(template: string, version: string): string {
  return template.replaceAll('{version}', version).replaceAll('{major}', version.split('.')[0] ?? version);
}

/** Looks a runtime id up, or throws a UserError naming the close matches. */
export function getRuntime(id: string): LambdaRuntime {
  const data = catalog();
  const entry = data.runtimes[id];
  if (!entry) {
    throw new UserError(`unknown Lambda runtime "${id}"`, {
      hint: `did you mean ${closeRuntimeIds(id).join(', ')}? Every runtime: ${runtimeIds().join(', ')}`,
    });
  }
  const os = data.operatingSystems[entry.os];
  if (!os) throw new Error(`runtimes.yaml: runtime ${id} names unknown OS ${entry.os}`);
  const paths = [...data.layerPaths[entry.family], ...data.layerPaths.all].map((p) =>
    fillPath(p, entry.version),
  );
  return {
    id,
    family: entry.family,
    version: entry.version,
    os: { id: entry.os, ...os },
    layerPaths: paths,
    runtimeImage: entry.runtimeImage,
  };
}

export function parseArchitecture(value: string): Architecture {
  if (isArchitecture(value)) return value;
  throw new UserError(`unknown architecture "${value}"`, {
    hint: `Lambda supports ${ARCHITECTURES.join(' and ')}`,
  });
}
