/** Writes the integration events' JSON Schemas into libs/messaging/schemas/. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { schemaFiles } from '../src/outbound/schemas';

const dir = join(__dirname, '..', 'schemas');
mkdirSync(dir, { recursive: true });
for (const [name, schema] of Object.entries(schemaFiles()))
  writeFileSync(join(dir, name), `${JSON.stringify(schema, null, 2)}\n`);
console.log(`wrote ${Object.keys(schemaFiles()).length} schemas to ${dir}`);
