import { arch, platform, release } from 'node:os';
import type { HostFacts } from './types.js';

/** The machine layerforge runs on. */
export function thisHost(): HostFacts {
  return {
    platform: platform(),
    arch: arch(),
    kernelRelease: release(),
    uid: process.getuid?.(),
    nodeVersion: process.versions.node,
    binfmtDir: '/proc/sys/fs/binfmt_misc',
  };
}
