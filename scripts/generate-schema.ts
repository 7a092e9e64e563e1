// Writes schema/*.schema.json from the zod schemas, so editors complete recipe and config files.
// Run `npm run schema` after changing a schema; a test fails when the committed file is stale.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderJsonSchemas } from '../src/core/json-schemas.js';

for (const [file, text] of Object.entries(renderJsonSchemas())) {
  writeFileSync(join(import.meta.dirname, '..', 'schema', file), text);
  console.log(`wrote schema/${file}`);
}
