import type { LambdaRuntime } from '../runtimes/catalog.js';

/**
 * What Lambda's language runtime adds for a function: Python finds /opt/python and its
 * site-packages, Node finds /opt/nodejs/node_modules. On Lambda the runtime's own bootstrap
 * does this (docs/lambda-facts.md, "Where layer content lands"); a container started with
 * another entrypoint needs it in its environment.
 */
export function languagePathEnvironment(runtime: LambdaRuntime): Record<string, string> {
  const paths = runtime.layerPaths
    .filter((p) => p.startsWith(`${runtime.family}/`) || p === runtime.family)
    .map((p) => `/opt/${p}`);
  if (runtime.family === 'python') return { PYTHONPATH: paths.join(':') };
  if (runtime.family === 'nodejs') return { NODE_PATH: paths.join(':') };
  return {};
}
