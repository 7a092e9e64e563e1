import { debianMirror, findDebootstrap } from '../base-images/debootstrap.js';
import { UserError } from '../errors.js';
import { findOnPath } from '../fs/find-on-path.js';
import { findEmulator } from '../invoke/emulator.js';
import type { Architecture } from '../runtimes/catalog.js';
import type { DoctorCheck, HostFacts } from './types.js';

/** Node 20 reached its end of life in April 2026 (and the AWS SDK v3 drops it in January 2027). */
const NODE_RECOMMENDED_MAJOR = 22;

export function checkNode(host: HostFacts): DoctorCheck {
  const major = Number(host.nodeVersion.split('.')[0]);
  const check = { id: 'node', where: 'host', summary: `Node ${host.nodeVersion}` } as const;
  if (major >= NODE_RECOMMENDED_MAJOR) return { ...check, status: 'ok' };
  return {
    ...check,
    status: 'warn',
    summary: `Node ${host.nodeVersion}: past its end of life (Node 20 ended in April 2026)`,
    hint: `use Node ${NODE_RECOMMENDED_MAJOR} or 24`,
  };
}

/** The stand-in base images are made from Debian packages by debootstrap, from this machine's mirror. */
export function checkDebootstrap(env: NodeJS.ProcessEnv): DoctorCheck {
  const check = { id: 'debootstrap', where: 'host' } as const;
  const path = findDebootstrap();
  if (!path) {
    return {
      ...check,
      status: 'warn',
      summary: 'debootstrap is not installed (the offline stand-in base images, --base debian12, need it)',
      hint: '`sudo apt-get install debootstrap`, or build on the official images (omit --base)',
    };
  }
  try {
    return { ...check, status: 'ok', summary: `${path}, Debian mirror ${debianMirror(env)}` };
  } catch (error) {
    return {
      ...check,
      status: 'warn',
      summary: `${path} is installed, but ${error instanceof Error ? error.message : String(error)}`,
      hint: error instanceof UserError ? error.hint : undefined,
    };
  }
}

/** debootstrap creates device nodes and chroots: it needs root, or sudo to become root once. */
export async function checkRoot(host: HostFacts, env: NodeJS.ProcessEnv): Promise<DoctorCheck> {
  const check = { id: 'root', where: 'host' } as const;
  if (host.uid === 0) return { ...check, status: 'ok', summary: 'running as root (debootstrap can run)' };
  const sudo = await findOnPath('sudo', env);
  if (sudo) {
    return {
      ...check,
      status: 'ok',
      summary: `not root; ${sudo} can run the one build that needs it`,
      details: ['`sudo layerforge base build debian12` once; later builds reuse the images'],
    };
  }
  return {
    ...check,
    status: 'warn',
    summary: 'not root and no sudo: the stand-in base images cannot be built here',
    hint: 'build them once as root (`layerforge base build debian12`), or use the official images',
  };
}

/** AWS's emulator for `invoke`, found the way `invoke` finds it (--rie, $LAYERFORGE_RIE, PATH, ~/go/bin). */
export async function checkEmulator(
  arch: Architecture,
  options: { rie?: string; env: NodeJS.ProcessEnv; cwd: string },
): Promise<DoctorCheck> {
  const check = { id: `emulator-${arch}`, where: 'host' } as const;
  try {
    const found = await findEmulator({ ...options, arch });
    if (found.dynamic) {
      return {
        ...check,
        status: 'warn',
        summary: `${found.path} is dynamically linked: it needs a libc like this machine's in the runtime image`,
        hint: 'build it with CGO_ENABLED=0',
      };
    }
    return { ...check, status: 'ok', summary: `${found.path} (static, ${arch})` };
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return {
      ...check,
      status: 'warn',
      summary: `${error.message} (\`layerforge invoke\` needs it)`,
      ...(error.details.length > 0 ? { details: error.details } : {}),
      hint: error.hint,
    };
  }
}
