import * as z from '../zod.js';
import type { FieldPath } from './positions.js';

/** Unwraps optional/default/nullable/pipe layers down to the schema that holds the shape. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let i = 0; i < 10; i++) {
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodNullable
    ) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.ZodType;
    } else break;
  }
  return current;
}

/** The first object among a union's options, so `script: { al2023: ... }` gets key hints too. */
function objectOf(schema: z.ZodType): z.ZodObject | undefined {
  const node = unwrap(schema);
  if (node instanceof z.ZodObject) return node;
  if (node instanceof z.ZodUnion) {
    for (const option of node.options as readonly z.ZodType[]) {
      const found = objectOf(option);
      if (found) return found;
    }
  }
  return undefined;
}

/** The keys an object schema allows at `path`, for "did you mean" hints on unknown fields. */
export function objectKeysAt(schema: z.ZodType, path: FieldPath): string[] {
  let current: z.ZodType | undefined = schema;
  for (const key of path) {
    if (current === undefined) return [];
    const node = unwrap(current);
    if (typeof key === 'number' && node instanceof z.ZodArray) current = node.element as z.ZodType;
    else if (typeof key === 'string') current = objectOf(node)?.shape[key] as z.ZodType | undefined;
    else return [];
  }
  const target = current === undefined ? undefined : objectOf(current);
  return target ? Object.keys(target.shape) : [];
}
