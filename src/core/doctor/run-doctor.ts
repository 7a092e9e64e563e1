import type { AwsClientOptions } from '../aws/clients.js';
import type { JobContext } from '../job-context.js';
import { cacheDir } from '../paths.js';
import { checkArm64Host } from './check-arm64-host.js';
import { checkAws } from './check-aws.js';
import { checkCache } from './check-cache.js';
import { checkArm64Engine, checkEngine } from './check-engine.js';
import { checkDebootstrap, checkEmulator, checkNode, checkRoot } from './check-tools.js';
import { thisHost } from './host.js';
import type { DoctorCheck, DoctorReport, HostFacts } from './types.js';

export interface DoctorOptions {
  /** Make one Lambda call to prove the credentials work; otherwise AWS is not called. */
  online: boolean;
  /** `--rie`, as `invoke` takes it. */
  rie?: string;
  /** `--region`, `--profile`, `--endpoint-url`, as the AWS commands take them. */
  region?: string;
  aws?: Omit<AwsClientOptions, 'env'>;
  /** This machine's facts; tests give others. */
  host?: HostFacts;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Where the credentials are looked up, in the chain's words, for the check's summary. */
function credentialSource(options: DoctorOptions, env: NodeJS.ProcessEnv): string {
  const profile = options.aws?.profile ?? env.AWS_PROFILE;
  if (profile) return `profile ${profile}`;
  if (env.AWS_ACCESS_KEY_ID) return 'the environment (AWS_ACCESS_KEY_ID)';
  return "the SDK's default chain";
}

/**
 * `layerforge doctor`: checks what each part of layerforge needs, each check saying where it
 * looked (this machine, the engine, AWS) and the fix. Reads only: the one thing it runs is a
 * short arm64 container, and it calls AWS only with `online`.
 */
export async function runDoctor(options: DoctorOptions, job: JobContext): Promise<DoctorReport> {
  const host = options.host ?? thisHost();
  const { env, signal } = job;
  const root = cacheDir(env);
  const engineChecks = (async (): Promise<DoctorCheck[]> => {
    let engine;
    try {
      engine = await job.engine();
    } catch (error) {
      // A DOCKER_HOST the engine port cannot even parse: a failed check, not a crash of doctor.
      return [
        {
          id: 'engine',
          where: 'engine',
          status: 'fail',
          summary: message(error),
          hint: 'fix DOCKER_HOST or --docker-host',
        },
        { id: 'arm64-engine', where: 'engine', status: 'warn', summary: 'not checked: no engine' },
      ];
    }
    const { check, version } = await checkEngine(engine, signal);
    return [check, await checkArm64Engine(engine, version, host, signal)];
  })();
  const awsChecks = (async (): Promise<DoctorCheck[]> => {
    const clients = await job.aws(options.aws ?? {});
    try {
      return await checkAws(clients, {
        ...(options.region ? { region: options.region } : {}),
        source: credentialSource(options, env),
        online: options.online,
        signal,
      });
    } finally {
      clients.destroy();
    }
  })();
  const emulatorOptions = { ...(options.rie ? { rie: options.rie } : {}), env, cwd: job.cwd };
  const [engine, arm64Host, rootCheck, x86, arm, aws, cache] = await Promise.all([
    engineChecks,
    checkArm64Host(host),
    checkRoot(host, env),
    checkEmulator('x86_64', emulatorOptions),
    checkEmulator('arm64', emulatorOptions),
    awsChecks,
    checkCache(root, signal),
  ]);
  const checks = [
    checkNode(host),
    ...engine,
    arm64Host,
    checkDebootstrap(env),
    rootCheck,
    x86,
    arm,
    ...aws,
    cache,
  ];
  return {
    checks,
    failures: checks.filter((c) => c.status === 'fail').length,
    warnings: checks.filter((c) => c.status === 'warn').length,
    cacheDir: root,
  };
}
