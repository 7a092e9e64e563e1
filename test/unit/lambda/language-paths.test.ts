import { describe, expect, it } from 'vitest';
import { languagePathEnvironment } from '../../../src/core/lambda/language-paths.js';
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
