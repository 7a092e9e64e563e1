import * as z from '../zod.js';

// Apart from docker-contexts.ts: loaded, with zod, only when a Docker context is used.

/** Only the keys layerforge reads; the docker CLI and its plugins keep many more. */
export const contextMetaSchema = z.looseObject({
  Name: z.string(),
  Endpoints: z.looseObject({
    docker: z.looseObject({ Host: z.string().optional(), SkipTLSVerify: z.boolean().optional() }).optional(),
  }),
});
export type DockerContextMeta = z.infer<typeof contextMetaSchema>;
