/**
 * Stand-ins for AWS's official images, tagged in the test engine with the official per-arch
 * names, so a build on the default `lambda` base runs its real code path (a present image is not
 * pulled) without a registry. Each is a debian12 image shaped like the official one it stands in
 * for (data/lambda-images.yaml): no findutils where the official image has none, Node's own
 * OpenSSL in /var/lang/lib for the nodejs images.
 *
 * Tests only. Every stand-in carries STAND_IN_LABEL; a tag already held by an image without it
 * (a real official image someone pulled) is never replaced, and `removeStandIns` removes only
 * the tags made here.
 */
import { execFileSync } from 'node:child_process';
import { loadBaseImage } from '../../src/core/base-images/definition.js';
import { ensureBaseImages } from '../../src/core/base-images/ensure.js';
import { resolveBase } from '../../src/core/base-images/resolve.js';
import { DockerEngine } from '../../src/core/engine/docker-engine.js';
import { buildContext } from '../../src/core/engine/tar-context.js';
import { architectureInfo, getRuntime, type Architecture } from '../../src/core/runtimes/catalog.js';

export const STAND_IN_LABEL = 'dev.layerforge.test.official-stand-in';

/** What to put on top of the debian12 image: nothing, or Dockerfile lines. */
export interface StandInSpec {
  /** The official name, e.g. `public.ecr.aws/lambda/provided:al2023-x86_64`. */
  tag: string;
  from: 'build' | 'runtime';
  /** The arch of the debian12 image it is made from (a wrong-arch test uses the other). */
  arch: Architecture;
  shape: 'as-is' | 'no-findutils' | 'node-openssl';
}

const SHAPES: Record<StandInSpec['shape'], string[]> = {
  'as-is': [],
  // AL2023-minimal and everything built on it (sam/build-provided.al2023): no find, no xargs.
  'no-findutils': [
    'RUN PATH=/usr/sbin:/sbin:$PATH dpkg --purge --force-remove-essential --force-depends findutils && ! command -v find',
  ],
  // The nodejs images: Node's libssl.so.3 and libcrypto.so.3 in /var/lang/lib, besides the OS's.
  'node-openssl': [
    'RUN mkdir -p /var/lang/lib && for lib in libssl.so.3 libcrypto.so.3; do cp -L /usr/lib/*-linux-gnu/$lib /var/lang/lib/; done',
  ],
};

function inspectLabel(tag: string): string | undefined {
  try {
    return execFileSync(
      'docker',
      ['image', 'inspect', '--format', `{{index .Config.Labels "${STAND_IN_LABEL}"}}`, tag],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    ).trim();
  } catch {
    return undefined;
  }
}

/** Builds and tags each stand-in; refuses to shadow an image that is not one of ours. */
export async function tagStandIns(specs: StandInSpec[]): Promise<void> {
  const engine = new DockerEngine();
  const debian12 = await loadBaseImage('debian12');
  for (const spec of specs) {
    const existing = inspectLabel(spec.tag);
    if (existing !== undefined && existing !== 'true') {
      throw new Error(
        `${spec.tag} is already in this engine and is not a layerforge test stand-in: refusing to replace it`,
      );
    }
    const base = await resolveBase(debian12, getRuntime('python3.11'), spec.arch);
    await ensureBaseImages(base, engine, {
      sink: () => {},
      signal: new AbortController().signal,
      env: process.env,
    });
    const from = spec.from === 'build' ? base.buildImage : base.runtimeImage;
    const platform = architectureInfo(spec.arch).dockerPlatform;
    const dockerfile = [`FROM --platform=${platform} ${from}`, ...SHAPES[spec.shape], ''].join('\n');
    await engine.buildImage(
      buildContext({ Dockerfile: dockerfile }),
      { tag: spec.tag, labels: { [STAND_IN_LABEL]: 'true' }, platform },
      () => {},
    );
  }
}

/** Removes the tags `tagStandIns` made (and with them the stand-in images). */
export function removeStandIns(specs: StandInSpec[]): void {
  for (const spec of specs) {
    if (inspectLabel(spec.tag) !== 'true') continue;
    execFileSync('docker', ['image', 'rm', spec.tag], { stdio: 'pipe' });
  }
}
