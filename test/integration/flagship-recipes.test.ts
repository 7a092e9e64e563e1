// The four flagship recipes (issue 4), built on the debian12 stand-in and smoke-tested the way
// Lambda runs a function: `layerforge test` in-process, on the real Docker engine. The default
// build cache is used on purpose (pandas alone downloads ~60 MB of wheels): a warm cache makes
// this a cache hit plus the smoke tests, a cold one builds everything. Either way every smoke
// test must run and pass; a build that fails is a failure, never a skip.
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBaseImage } from '../../src/core/base-images/definition.js';
import { resolveBase } from '../../src/core/base-images/resolve.js';
import { LAMBDA_ENVIRONMENT } from '../../src/core/lambda/runtime-environment.js';
import { LAMBDA_USER } from '../../src/core/lambda/sandbox.js';
import { DockerEngine } from '../../src/core/engine/docker-engine.js';
import { extractLayerZip } from '../../src/core/layer/extract-zip.js';
import { packageRoot } from '../../src/core/paths.js';
import { getRuntime } from '../../src/core/runtimes/catalog.js';
import { requireDocker } from '../support/docker.js';
import { testBundledRecipe, type BundledRecipeCheck } from '../support/bundled-recipe-check.js';
import { sharedTempDir } from '../support/temp-dir.js';

interface Flagship extends BundledRecipeCheck {
  /**
   * The Python example in examples/ that uses the layer: its handler is called with its
   * event.json in the runtime image, and `expected` checks what it returns. (The R example runs
   * through the bootstrap in r-bootstrap.test.ts.)
   */
  example?: { dir: string; expected: unknown };
}

const flagships: Flagship[] = [
  {
    name: 'pandas',
    artifact: 'pandas-2.3.3-python3.11-x86_64',
    contains: [
      /^python\/pandas\/__init__\.py$/m,
      /^python\/pandas-2\.3\.3\.dist-info\/METADATA$/m,
      /^python\/numpy-2\.2\.6\.dist-info\/RECORD$/m,
      // numpy's vendored OpenBLAS and gfortran, which auditwheel put beside the package.
      /^python\/numpy\.libs\/libscipy_openblas64_[^/]*\.so$/m,
      /^python\/numpy\/_core\/_multiarray_umath\.cpython-311-x86_64-linux-gnu\.so$/m,
    ],
    lacks: [/^python\/pandas\/tests\//m],
    // Least squares through (1, 3.1) … (5, 11.0): slope 19.7/10, intercept 7 - 1.97 * 3.
    example: {
      dir: 'pandas-regression',
      expected: {
        intercept: expect.closeTo(1.09, 9),
        slope: expect.closeTo(1.97, 9),
        r_squared: expect.closeTo(38.809 / 38.9, 9),
        n: 5,
        pandas: '2.3.3',
        numpy: '2.2.6',
      },
    },
  },
  {
    name: 'openssl',
    artifact: 'openssl-3.0.0-provided.al2023-x86_64',
    contains: [
      /^bin\/openssl$/m,
      /^lib\/openssl\/openssl$/m,
      /^lib\/openssl\/openssl\.cnf$/m,
      /^lib\/libssl\.so\.3$/m,
      /^lib\/libcrypto\.so\.3$/m,
    ],
    lacks: [],
    example: {
      dir: 'openssl-digest',
      expected: {
        algorithm: 'sha256',
        digest: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
        matches_hashlib: true,
        openssl: expect.stringMatching(/^OpenSSL 3\.0\./),
      },
    },
  },
  {
    name: 'imagemagick',
    artifact: 'imagemagick-6.9.11-provided.al2023-x86_64',
    contains: [
      /^bin\/magick$/m,
      /^bin\/convert$/m,
      /^bin\/identify$/m,
      /^lib\/ImageMagick\/config\/policy\.xml$/m,
      /^lib\/ImageMagick\/config\/delegates\.xml$/m,
      /^lib\/ImageMagick\/config\/type\.xml$/m,
      /^lib\/ImageMagick\/coders\/png\.so$/m,
      /^lib\/ImageMagick\/coders\/jpeg\.so$/m,
      /^lib\/ImageMagick\/coders\/webp\.so$/m,
      /^lib\/libMagickCore-6\.Q16\.so\.6$/m,
      /^lib\/libwebp\.so\.7$/m,
    ],
    // Left out on purpose: HEIC's codecs would add ~25 MB.
    lacks: [/^lib\/ImageMagick\/coders\/heic\.so$/m, /^lib\/libx265\.so/m],
    example: {
      dir: 'thumbnail',
      expected: {
        source: { width: 640, height: 480, format: 'PNG' },
        thumbnail: { width: 128, height: 128, format: 'JPEG', bytes: expect.any(Number) },
        // A JPEG's first bytes (FF D8 FF), base64-encoded.
        thumbnail_base64: expect.stringMatching(/^\/9j\//),
      },
    },
  },
  {
    name: 'r-runtime',
    artifact: 'r-runtime-4.2.2-provided.al2023-x86_64',
    contains: [
      /^bootstrap$/m,
      /^bin\/R$/m,
      /^bin\/Rscript$/m,
      /^lib\/libR\.so$/m,
      /^lib\/liblapack\.so\.3$/m,
      /^lib\/R\/bin\/exec\/R$/m,
      /^lib\/R\/lambda\/runtime\.R$/m,
      /^lib\/R\/site-library\/jsonlite\/DESCRIPTION$/m,
    ],
    lacks: [/^lib\/R\/library\/tcltk\//m, /^lib\/R\/modules\/R_X11\.so$/m],
  },
];

const shared = sharedTempDir('layerforge-it-flagship-');
let work: string;
const engine = new DockerEngine();

// What Lambda's Python runtime does for a function, reduced: import the handler from /var/task
// (with /opt/python on sys.path) and call it with the event.
const CALL_HANDLER =
  'import json, handler; print(json.dumps(handler.handler(json.load(open("event.json")), None)))';

/** Runs examples/<dir>/handler.py against the layer in the runtime image, as Lambda would. */
async function runPythonExample(zip: string, dir: string): Promise<unknown> {
  const layer = join(work, `${dir}-layer`);
  await extractLayerZip(zip, join(layer, 'opt'));
  for (const d of [layer, join(layer, 'opt')]) await chmod(d, 0o755);
  // The stand-in's one Python runtime: the examples are Python functions whatever runtimes the layer lists.
  const base = await resolveBase(await loadBaseImage('debian12'), getRuntime('python3.11'), 'x86_64');
  const lines: string[] = [];
  const run = await engine.runContainer(
    {
      image: base.runtimeImage,
      entrypoint: ['python3', '-c'],
      command: [CALL_HANDLER],
      env: { ...LAMBDA_ENVIRONMENT, PYTHONPATH: '/opt/python' },
      mounts: [
        { hostPath: join(layer, 'opt'), containerPath: '/opt', readOnly: true },
        { hostPath: join(packageRoot, 'examples', dir), containerPath: '/var/task', readOnly: true },
      ],
      labels: { 'dev.layerforge.purpose': 'flagship-example' },
      user: LAMBDA_USER,
      readOnlyRootFs: true,
      tmpfs: { '/tmp': 'rw,exec,size=512m' },
      network: 'none',
      workingDir: '/var/task',
    },
    (line) => lines.push(line),
  );
  await engine.removeContainer(run.id);
  expect(run.exitCode, lines.join('\n')).toBe(0);
  return JSON.parse(lines.at(-1) ?? 'null') as unknown;
}

beforeAll(async () => {
  requireDocker();
  work = shared.path;
});

describe('the flagship recipes on the debian12 stand-in', () => {
  for (const flagship of flagships) {
    it(`${flagship.name}: builds, passes the audit and every smoke test, and stays within its budget`, async () => {
      const zip = await testBundledRecipe(flagship, work);
      if (flagship.example) {
        const output = await runPythonExample(zip, flagship.example.dir);
        expect(output).toEqual(flagship.example.expected);
      }
    }, 1_800_000);
  }
});
