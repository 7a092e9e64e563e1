import { describe, expect, it } from 'vitest';
import {
  LAMBDA_ENVIRONMENT,
  LAMBDA_USER,
  languagePathEnvironment,
} from '../../../src/core/build/smoke-test.js';
import { getRuntime } from '../../../src/core/runtimes/catalog.js';

describe('languagePathEnvironment', () => {
  it('puts /opt/python and its site-packages on PYTHONPATH for python3.12', () => {
    expect(languagePathEnvironment(getRuntime('python3.12'))).toEqual({
      PYTHONPATH: '/opt/python:/opt/python/lib/python3.12/site-packages',
    });
  });

  it('follows the Python version of the runtime', () => {
    expect(languagePathEnvironment(getRuntime('python3.9'))).toEqual({
      PYTHONPATH: '/opt/python:/opt/python/lib/python3.9/site-packages',
    });
  });

  it('puts both node_modules folders on NODE_PATH for nodejs20.x', () => {
    expect(languagePathEnvironment(getRuntime('nodejs20.x'))).toEqual({
      NODE_PATH: '/opt/nodejs/node_modules:/opt/nodejs/node20/node_modules',
    });
  });

  it('adds nothing for provided.al2023, which has no language runtime', () => {
    expect(languagePathEnvironment(getRuntime('provided.al2023'))).toEqual({});
  });
});

describe('the Lambda-like environment of a smoke test', () => {
  it('has /opt/bin on PATH and /opt/lib on LD_LIBRARY_PATH, and a non-root user', () => {
    expect(LAMBDA_ENVIRONMENT.PATH?.split(':')).toContain('/opt/bin');
    expect(LAMBDA_ENVIRONMENT.LD_LIBRARY_PATH?.split(':').at(-1)).toBe('/opt/lib');
    expect(LAMBDA_USER).toBe('993:990');
  });
});
