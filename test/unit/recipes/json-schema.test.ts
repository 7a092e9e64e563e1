import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderJsonSchemas } from '../../../src/core/json-schemas.js';
import { packageRoot } from '../../../src/core/paths.js';
import { runtimeIds } from '../../../src/core/runtimes/catalog.js';

const schemas = renderJsonSchemas();

describe('committed JSON Schemas', () => {
  it('renders exactly the recipe and config schemas', () => {
    expect(Object.keys(schemas).sort()).toEqual(['config.schema.json', 'recipe.schema.json']);
  });

  for (const [file, text] of Object.entries(schemas)) {
    it(`schema/${file} matches the zod schema (run \`npm run schema\` after changing it)`, () => {
      expect(readFileSync(join(packageRoot, 'schema', file), 'utf8')).toBe(text);
    });
  }

  it('offers every catalog runtime id, so editors complete runtimes', () => {
    const recipe = JSON.parse(schemas['recipe.schema.json'] ?? '{}') as {
      properties: { runtimes: { items: { enum: string[] } }; architectures: { items: { enum: string[] } } };
      required: string[];
      additionalProperties: boolean;
    };
    expect(recipe.properties.runtimes.items.enum).toEqual(runtimeIds());
    expect(recipe.properties.architectures.items.enum).toEqual(['x86_64', 'arm64']);
    expect(recipe.required).toEqual(
      expect.arrayContaining([
        'name',
        'version',
        'summary',
        'license',
        'homepage',
        'runtimes',
        'architectures',
        'install',
      ]),
    );
    // Strict: editors flag a misspelt key, like the CLI does.
    expect(recipe.additionalProperties).toBe(false);
  });
});
