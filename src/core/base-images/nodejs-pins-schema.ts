import * as z from '../zod.js';

// Apart from nodejs-images.ts: loaded, with zod, only when a base's Node pin file is read.

const version = z.string().regex(/^\d+\.\d+\.\d+$/, { error: 'expected a version like 22.23.5' });
const integrity = z
  .string()
  .regex(/^sha512-[A-Za-z0-9+/]{86}==$/, { error: 'expected an npm integrity: sha512-<base64>' });

export const nodejsPinsSchema = z.strictObject({
  /** Dockerfiles in the base's folder, built on the base's own build and runtime images. */
  build: z.string(),
  runtime: z.string(),
  versions: z.record(
    z.string().regex(/^\d+$/, { error: 'expected a Node major, e.g. "22"' }),
    z.strictObject({
      node: z.strictObject({
        version,
        sha512: z.strictObject({ x86_64: integrity, arm64: integrity }),
      }),
      npm: z.strictObject({ version, sha512: integrity }),
    }),
  ),
});
export type NodejsPins = z.infer<typeof nodejsPinsSchema>;
