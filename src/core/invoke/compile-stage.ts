import { ensureBaseImages } from '../base-images/ensure.js';
import { crossToolchain, type CrossToolchain } from '../base-images/cross-compilers.js';
import { NPM_CPU } from '../base-images/nodejs-images.js';
import type { PackageFetcher } from '../base-images/pinned-package.js';
import { resolveBase, type ResolvedBase } from '../base-images/resolve.js';
import type { ContainerEngine } from '../engine/container-engine.js';
import { architectureFromInfo } from '../engine/engine-spec.js';
import type { EnvStepIO } from '../job-context.js';
import type { Architecture, LambdaRuntime } from '../runtimes/catalog.js';

/**
 * Where an invoke image's compile stage runs. Native code compiled under QEMU is slow (the Node
 * client's took over 25 minutes), so when the engine's arch is not the function's the stage runs
 * on the engine's own arch, in the build image of the same runtime for that arch, with cross
 * compilers for the function's arch.
 */
export interface CompileStage {
  /** The build image the stage starts from. */
  image: string;
  /** The arch the stage's compilers run on; the code is always for the function's arch. */
  arch: Architecture;
  /** OS packages the stage installs for the compile: the cross compilers, none when native. */
  packages: string[];
  /** The compile's environment: the compilers named for the function's arch, none when native. */
  env: Record<string, string>;
  /** Why the stage runs where it does, for the log. */
  reason: string;
}

export interface CompileStageIO extends EnvStepIO {
  /** Fetches the pinned Node and npm for a nodejs build image that must be built (tests pass their own). */
  fetchPackage?: PackageFetcher;
}

/**
 * Chooses the compile stage for `base` (resolved for the function's arch): the function's own build
 * image when the engine runs that arch, or when the base cannot cross-compile to it; otherwise the
 * engine's arch's build image, ensured (built if missing) like the base's own, with cross compilers.
 */
export async function chooseCompileStage(
  base: ResolvedBase,
  runtime: LambdaRuntime,
  engine: ContainerEngine,
  io: CompileStageIO,
): Promise<CompileStage> {
  const target = base.arch;
  // The engine's own arch, as the matrix reads it (its /info); undefined when not one of Lambda's.
  const native = architectureFromInfo(await engine.architecture(io.signal));
  const inPlace = (reason: string): CompileStage => ({
    image: base.buildImage,
    arch: target,
    packages: [],
    env: {},
    reason,
  });
  if (native === target) return inPlace(`compiling on ${target}, the engine's own arch`);
  const emulated = `compiling under emulation on ${target}`;
  if (native === undefined) return inPlace(`${emulated}: the engine's arch is not one of Lambda's`);
  if (!base.loaded.definition.architectures.includes(native)) {
    return inPlace(`${emulated}: base ${base.name} has no ${native} images`);
  }
  const toolchain = await crossToolchain(base.loaded, target);
  if (!toolchain) return inPlace(`${emulated}: base ${base.name} names no cross compilers for ${target}`);
  const host = await resolveBase(base.loaded, runtime, native);
  await ensureBaseImages(host, engine, io);
  return {
    image: host.buildImage,
    arch: native,
    packages: toolchain.packages,
    env: crossEnv(toolchain, target),
    reason: `compiling on ${native}, the engine's own arch, with cross compilers for ${target}`,
  };
}

/**
 * What make, cmake, configure and node-gyp read to compile for the target: the toolchain's tools,
 * and npm's arch for node-gyp. QEMU_LD_PREFIX lets a configure test built for the target run
 * (through the engine's binfmt emulation) against the cross sysroot's loader and libc.
 */
function crossEnv(toolchain: CrossToolchain, target: Architecture): Record<string, string> {
  const tool = (name: string) => `${toolchain.triplet}-${name}`;
  return {
    CC: tool('gcc'),
    CXX: tool('g++'),
    AR: tool('ar'),
    RANLIB: tool('ranlib'),
    LINK: tool('g++'),
    STRIP: tool('strip'),
    QEMU_LD_PREFIX: `/usr/${toolchain.triplet}`,
    npm_config_arch: NPM_CPU[target],
    npm_config_target_arch: NPM_CPU[target],
  };
}
