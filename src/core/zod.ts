import { config } from 'zod';

// zod 4 compiles a function for each object schema the first time it parses, which pays off only
// over many parses. A command parses each schema a handful of times: reading a cached layer's
// manifest took 15 ms with the compiled function and 6.5 ms without (Node 24). Modules import zod
// through here (eslint holds them to it), so this runs before any schema parses, and only in
// processes that load a schema: `list` loads none. The one exception, the runtime catalog's
// schema, requires zod only when data/runtimes.yaml misses the bundle's table (zodOnDemand).
config({ jitless: true });

export * from 'zod';
