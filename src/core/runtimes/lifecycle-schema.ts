import { zodOnDemand } from '../zod-on-demand.js';
import type * as Zod from 'zod';

/**
 * The `lifecycle:` part of data/runtimes.yaml. Built when the catalog is parsed, not when this
 * module loads: the bundle's precompiled catalog never needs it.
 */
export function buildLifecycleSchema() {
  const z = zodOnDemand();
  /** `YYYY-MM-DD` that is a real calendar day: Lambda's lifecycle dates are UTC days. */
  const isoDay = z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date like 2026-06-30')
    .refine((day) => new Date(`${day}T00:00:00Z`).toISOString().startsWith(day), 'not a calendar day');
  /** One runtime's three phases; a date AWS has not announced is absent. */
  const runtimeLifecycleSchema = z.strictObject({
    deprecation: isoDay.optional(),
    blockCreate: isoDay.optional(),
    blockUpdate: isoDay.optional(),
    /** Keys of `lifecycle.sources` the dates were read from. */
    source: z.array(z.string()).min(1),
  });
  return z
    .strictObject({
      /** The day the dates were last compared with AWS's page. */
      checked: isoDay,
      sources: z.record(z.string(), z.url()),
      runtimes: z.record(z.string(), runtimeLifecycleSchema),
    })
    .superRefine((data, ctx) => {
      for (const [id, entry] of Object.entries(data.runtimes)) {
        for (const key of entry.source) {
          if (!(key in data.sources)) {
            ctx.addIssue({
              code: 'custom',
              path: ['runtimes', id, 'source'],
              message: `unknown source ${key}`,
            });
          }
        }
      }
    });
}
export type LifecycleData = Zod.infer<ReturnType<typeof buildLifecycleSchema>>;
