import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EventSink } from '../events.js';
import type { LambdaRuntime } from '../runtimes/catalog.js';

/**
 * Warns about each library the layer bundles in lib/ that the runtime also keeps a private copy
 * of in /var/lang/lib (`shadowing`: the nodejs images' OpenSSL). That folder comes first on
 * Lambda's LD_LIBRARY_PATH, so a binary without an RPATH loads the runtime's copy, not the
 * layer's (aws-lambda-base-images #137: `undefined symbol SSL_get_srp_g`).
 */
export function warnShadowedLibraries(
  staging: string,
  runtime: LambdaRuntime,
  shadowing: string[],
  sink: EventSink,
): void {
  const bundled = shadowing.filter((name) => existsSync(join(staging, 'lib', name)));
  if (bundled.length === 0) return;
  sink({
    type: 'warning',
    code: 'shadowed-library',
    message: `the layer bundles ${bundled.map((n) => `lib/${n}`).join(', ')}, but ${runtime.id} keeps its own ${bundled.length === 1 ? 'copy' : 'copies'} in /var/lang/lib, which comes first on LD_LIBRARY_PATH: set the function's LD_LIBRARY_PATH to start with /opt/lib (it is not reserved), or the layer's binaries load the runtime's copy`,
  });
}
