import * as z from './zod.js';
import { configSchema } from './config-schema.js';
import { recipeSchema } from './recipes/schema.js';

/** The committed JSON Schemas, keyed by file name under schema/. */
export function renderJsonSchemas(): Record<string, string> {
  const render = (schema: z.ZodType, title: string) =>
    JSON.stringify({ title, ...z.toJSONSchema(schema, { io: 'input' }) }, null, 2) + '\n';
  return {
    'recipe.schema.json': render(recipeSchema, 'layerforge recipe (recipes/<name>/recipe.yaml)'),
    'config.schema.json': render(configSchema, 'layerforge config (layerforge.config.yaml)'),
  };
}
