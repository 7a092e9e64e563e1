import { createRequire } from 'node:module';
import type * as Zod from 'zod';

/**
 * zod, required when a schema is first built, for the synchronous readers of data files the
 * bundle ships checked (the runtime catalog, the Lambda image facts): with the precompiled table
 * they need none, and importing zod at load cost every command about 10 ms. From the bundle, this
 * is the installed package (a dependency), as the YAML parser is.
 */
export function zodOnDemand(): typeof Zod {
  return createRequire(import.meta.url)('zod') as typeof Zod;
}
