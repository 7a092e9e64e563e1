import * as z from './zod.js';
import { CACHE_MODES } from './remote-cache/location.js';

// The config file's schema, apart from config.ts: its zod objects are built as this module loads,
// which only a project with a config file needs (loadConfig imports it then).

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `buildEnv`: what build containers get, as a list like `--build-env` (`KEY` or `KEY=VALUE`) or
 * a mapping (`KEY: value`, or `KEY:` with no value to pass this machine's). Prefer the forms
 * without a value for secrets, so they stay out of a committed file.
 */
const buildEnvSchema = z
  .union(
    [
      z.array(
        z
          .string({ error: 'expected KEY or KEY=VALUE' })
          .regex(/^[A-Za-z_][A-Za-z0-9_]*(=.*)?$/s, { error: 'expected KEY or KEY=VALUE' }),
      ),
      z
        .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
        .superRefine((entries, ctx) => {
          for (const name of Object.keys(entries)) {
            if (!VARIABLE_NAME.test(name))
              ctx.addIssue({ code: 'custom', path: [name], message: `"${name}" is not a variable name` });
          }
        }),
    ],
    {
      error:
        "expected a list of KEY or KEY=VALUE, or a mapping of KEY: value (KEY: with no value passes this machine's)",
    },
  )
  .optional()
  .meta({
    description:
      "Variables build containers get, e.g. PIP_INDEX_URL: KEY alone (or KEY: with no value) passes this machine's value, so secrets stay out of this file. Values are redacted from every output; names (not values) enter the cache key.",
  });

/** Project settings, from layerforge.config.yaml in the working directory. */
export const configSchema = z.strictObject(
  {
    $schema: z.string().optional().meta({ description: 'Editors read this to find the JSON Schema.' }),
    recipeDirs: z
      .array(z.string({ error: 'expected a folder path' }).min(1, { error: 'expected a folder path' }), {
        error: 'expected a list of recipe folders, e.g. [recipes]',
      })
      .default([])
      .meta({
        description: 'Extra recipe folders, searched before the bundled ones; relative to this file.',
      }),
    base: z
      .string({ error: 'expected a base image name' })
      .min(1, { error: 'expected a base image name' })
      .optional()
      .meta({ description: 'The base image pair to build on unless --base is given.' }),
    outDir: z
      .string({ error: 'expected a folder path' })
      .min(1, { error: 'expected a folder path' })
      .optional()
      .meta({ description: 'Where zips and manifests go; default `dist`.' }),
    reserveMB: z
      .number({ error: 'expected a number of MB' })
      .nonnegative({ error: 'expected a number of MB, 0 or more' })
      .max(250, { error: "expected at most 250, Lambda's limit for a function and all its layers" })
      .optional()
      .meta({ description: 'MB of the 250 MB already used by the function and its other layers.' }),
    buildEnv: buildEnvSchema,
    resolveMaxAgeHours: z
      .number({ error: 'expected a number of hours' })
      .nonnegative({ error: 'expected a number of hours, 0 or more' })
      .optional()
      .meta({
        description:
          'Hours a layer built from unpinned dependencies is reused before they are resolved again; default 24.',
      }),
    cache: z
      .strictObject(
        {
          url: z
            .string({ error: 'expected s3://bucket/prefix' })
            .regex(/^s3:\/\/[^/?#]+(\/[^?#]*)?$/, { error: 'expected s3://bucket/prefix' })
            .optional()
            .meta({
              description: 'A cache of built layers shared with other machines (CI runners, colleagues).',
            }),
          mode: z
            .enum(CACHE_MODES, { error: `expected one of ${CACHE_MODES.join(', ')}` })
            .optional()
            .meta({
              description:
                'What builds do with it: read, write, readwrite (the default) or off; read suits untrusted jobs.',
            }),
        },
        { error: 'expected a mapping with url and mode' },
      )
      .optional()
      .meta({
        description:
          'The remote cache unless --cache / --cache-mode or LAYERFORGE_CACHE_URL / LAYERFORGE_CACHE_MODE are given.',
      }),
    dockerNetwork: z
      .string({ error: 'expected a Docker network name' })
      .min(1, { error: 'expected a Docker network name' })
      .optional()
      .meta({
        description:
          'The Docker network build containers join unless --docker-network is given, e.g. host to reach a proxy on this machine.',
      }),
  },
  { error: 'expected a mapping of settings such as recipeDirs, base, outDir' },
);
export type LayerforgeConfig = z.infer<typeof configSchema>;
