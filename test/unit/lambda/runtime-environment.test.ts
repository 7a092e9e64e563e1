import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  LAMBDA_ENVIRONMENT,
  RUNTIME_LD_LIBRARY_PATH,
  RUNTIME_PATH,
} from '../../../src/core/lambda/runtime-environment.js';
import { LAMBDA_SANDBOX, LAMBDA_USER } from '../../../src/core/lambda/sandbox.js';

const BASE = join(import.meta.dirname, '../../../base-images/debian12');

/** The value an `ENV` instruction gives `name` in a Dockerfile (`name=value`, one per line). */
function envValue(dockerfile: string, name: string): string | undefined {
  return new RegExp(`^\\s*(?:ENV\\s+)?${name}=(\\S+)`, 'm').exec(dockerfile)?.[1];
}

describe("the runtime images' environment", () => {
  it('has /opt/bin on PATH and /opt/lib last on LD_LIBRARY_PATH, and a non-root user', () => {
    expect(LAMBDA_ENVIRONMENT.PATH?.split(':')).toContain('/opt/bin');
    expect(LAMBDA_ENVIRONMENT.LD_LIBRARY_PATH?.split(':').at(-1)).toBe('/opt/lib');
    expect(LAMBDA_USER).toBe('993:990');
    expect(LAMBDA_SANDBOX.user).toBe(LAMBDA_USER);
  });

  // The Dockerfiles are data (their text is the images' cache key), so they spell the paths out.
  it.each(['build', 'runtime'])('is what the debian12 %s image sets', async (kind) => {
    const dockerfile = await readFile(join(BASE, `${kind}.Dockerfile`), 'utf8');
    expect(envValue(dockerfile, 'PATH')).toBe(RUNTIME_PATH.join(':'));
    expect(envValue(dockerfile, 'LD_LIBRARY_PATH')).toBe(RUNTIME_LD_LIBRARY_PATH.join(':'));
  });
});
