/**
 * The environment of AWS's official runtime images, the same on Amazon Linux 2 and 2023
 * (aws/aws-lambda-base-images, the Dockerfiles of python3.12, nodejs20.x and provided.al2023;
 * docs/lambda-facts.md). The stand-in images' Dockerfiles in base-images/ repeat PATH and
 * LD_LIBRARY_PATH as data; a unit test keeps them equal to these.
 */

/** Programs: the runtime's own first, a layer's `bin/` last. */
export const RUNTIME_PATH = ['/var/lang/bin', '/usr/local/bin', '/usr/bin/', '/bin', '/opt/bin'];

/**
 * Shared libraries, searched in this order. `/opt/lib` (a layer's `lib/`) comes last: a library
 * the image has wins over the layer's copy of the same soname.
 */
export const RUNTIME_LD_LIBRARY_PATH = [
  '/var/lang/lib',
  '/lib64',
  '/usr/lib64',
  '/var/runtime',
  '/var/runtime/lib',
  '/var/task',
  '/var/task/lib',
  '/opt/lib',
];

/** The environment a function starts with. HOME is the one writable folder, /tmp. */
export const LAMBDA_ENVIRONMENT: Readonly<Record<string, string>> = {
  PATH: RUNTIME_PATH.join(':'),
  LD_LIBRARY_PATH: RUNTIME_LD_LIBRARY_PATH.join(':'),
  LAMBDA_TASK_ROOT: '/var/task',
  LAMBDA_RUNTIME_DIR: '/var/runtime',
  LANG: 'en_US.UTF-8',
  TZ: ':/etc/localtime',
  HOME: '/tmp',
};
