/**
 * A fake engine that replays AWS's official Lambda images as data/lambda-images.yaml models them,
 * for unit tests of the default `lambda` base (the images cannot be pulled where layerforge is
 * developed). A pull of an official per-arch tag makes an image of that arch, with a file system
 * built from its shape: the committed soname list of its OS in /usr/lib64 (merged /usr: /lib64
 * links there) and the runtime's private libraries in /var/lang/lib. A pull of any other name, or
 * for another platform than the tag's, fails as a registry would.
 *
 * A container whose script (its `sh -c` text, the plan.sh it is handed, and every script those
 * run with `sh`/`bash` from a mount) starts a program the image lacks exits 127 with dash's
 * `<script>: <line>: find: not found`, unless a package installed earlier in the same run
 * provides it (`packageTools`). Nothing is executed: the scripts are only read.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import {
  imageShape,
  lambdaImages,
  officialImages,
  privateLibraries,
  type LambdaImageShape,
} from '../../src/core/base-images/lambda-images.js';
import { parseSonameList } from '../../src/core/audit/system-libraries.js';
import {
  LABELS,
  type ContainerRun,
  type ContainerSpec,
  type Mount,
} from '../../src/core/engine/container-engine.js';
import { dataDir } from '../../src/core/paths.js';
import {
  ARCHITECTURES,
  architectureInfo,
  getRuntime,
  runtimeIds,
  type Architecture,
  type LambdaRuntime,
} from '../../src/core/runtimes/catalog.js';
import { FakeEngine, type FakeFile } from './fake-engine.js';
import { programRuns, shellCommands } from './shell-commands.js';

/** One official image, as the model describes it. */
export interface OfficialImage {
  reference: string;
  role: 'build' | 'runtime';
  runtime: LambdaRuntime;
  arch: Architecture;
  shape: LambdaImageShape;
}

/** The official image a reference names (`public.ecr.aws/lambda/python:3.12-arm64`), if any. */
export function officialImage(reference: string): OfficialImage | undefined {
  for (const id of runtimeIds()) {
    const runtime = getRuntime(id);
    for (const arch of ARCHITECTURES) {
      const { buildImage, runtimeImage } = officialImages(runtime, arch);
      for (const [role, name] of [
        ['build', buildImage],
        ['runtime', runtimeImage],
      ] as const) {
        if (name === reference) return { reference, role, runtime, arch, shape: imageShape(role, runtime) };
      }
    }
  }
  return undefined;
}

/** Package managers: the model names the one each image has; any other is missing there. */
const PACKAGE_MANAGERS = new Set(['dnf', 'microdnf', 'yum', 'apt-get', 'apt', 'dpkg', 'apk']);
const SHELLS = new Set(['sh', 'bash', 'dash', '.', 'source']);

/** True when the modelled image does not have `program`. */
export function imageLacks(shape: LambdaImageShape, program: string): boolean {
  if (shape.tools.absent.includes(program)) return true;
  return (
    PACKAGE_MANAGERS.has(program) &&
    !shape.tools.present.includes(program) &&
    shape.packageManager !== program
  );
}

/** The file system of a runtime image: the OS's libraries and the runtime's private ones. */
function runtimeFileSystem(image: OfficialImage): Record<string, FakeFile> {
  const empty = { contents: '' };
  const files: Record<string, FakeFile> = {
    '/lib64': { linkTo: 'usr/lib64' },
    '/lib': { linkTo: 'usr/lib' },
    '/var/runtime/bootstrap': empty,
  };
  const list = readFileSync(join(dataDir, 'system-libraries', `${image.runtime.os.id}.txt`), 'utf8');
  for (const soname of parseSonameList(list, image.arch)) files[`/usr/lib64/${soname}`] = empty;
  // The arm64 loader's ABI path is /lib/ld-linux-aarch64.so.1, a link into lib64.
  if (image.arch === 'arm64')
    files['/usr/lib/ld-linux-aarch64.so.1'] = { linkTo: '../lib64/ld-linux-aarch64.so.1' };
  for (const name of privateLibraries(image.shape, image.runtime)) files[`/var/lang/lib/${name}`] = empty;
  return files;
}

/** A container run the fake refused, with the line a shell would print. */
export interface Refusal {
  image: string;
  purpose: string;
  line: string;
}

/** A script a run would read: `sh -c` for the command's own text, else its path in the container. */
export interface ReplayedScript {
  path: string;
  text: string;
}

/** What one run's scripts were read as: every script followed, in order. */
export interface ReplayedRun {
  spec: ContainerSpec;
  scripts: ReplayedScript[];
  refused?: string;
}

/** What a replay knows while it reads a run's scripts. */
interface ReplayContext {
  shape: LambdaImageShape;
  mounts: Mount[];
  /** The container's environment: it decides which `case "$LAYERFORGE_OS"` arm runs. */
  env: Record<string, string>;
  /** Tools the packages installed so far added. */
  provided: Set<string>;
  scripts: ReplayedScript[];
}

export class OfficialImagesEngine extends FakeEngine {
  /** The official images pulled so far, by reference. */
  readonly official = new Map<string, OfficialImage>();
  readonly refusals: Refusal[] = [];
  readonly replayed: ReplayedRun[] = [];
  /** What `copyFrom(…, '/opt')` of a build container streams: path under /opt → contents. */
  optFiles: Record<string, string | Buffer> = {};
  private readonly runImages = new Map<string, string>();

  override async pullImage(
    reference: string,
    platform: string,
    onLine: (line: string) => void,
  ): Promise<void> {
    const image = officialImage(reference);
    if (!image) throw new Error(`manifest for ${reference} not found: manifest unknown`);
    // A per-arch tag is one image of one arch: asked for another platform, the pull fails.
    const actual = architectureInfo(image.arch).dockerPlatform;
    if (platform !== actual) {
      throw new Error(
        `image with reference ${reference} was found but does not match the specified platform: wanted ${platform}, actual: ${actual}`,
      );
    }
    await super.pullImage(reference, platform, onLine);
    this.official.set(reference, image);
    this.fileSystems.set(reference, image.role === 'runtime' ? runtimeFileSystem(image) : {});
  }

  override async runContainer(spec: ContainerSpec, onLine: (line: string) => void): Promise<ContainerRun> {
    const image = this.official.get(spec.image);
    if (!image) throw new Error(`No such image: ${spec.image}`);
    const scripts: ReplayedScript[] = [];
    const refused = this.replay(spec, image.shape, scripts);
    this.replayed.push({ spec, scripts, ...(refused ? { refused } : {}) });
    let run: ContainerRun;
    if (refused) {
      this.runs.push(spec);
      this.refusals.push({
        image: spec.image,
        purpose: spec.labels?.[LABELS.purpose] ?? '',
        line: refused,
      });
      onLine(refused);
      run = { id: this.addContainer({ ...spec.labels }), exitCode: 127 };
    } else {
      run = await super.runContainer(spec, onLine);
    }
    this.runImages.set(run.id, spec.image);
    return run;
  }

  /** A build container's /opt: `optFiles`, as the engine's archive API names them (`opt/...`). */
  override async copyFrom(containerId: string, path: string): Promise<Readable> {
    const image = this.official.get(this.runImages.get(containerId) ?? '');
    if (path !== '/opt' || image?.role !== 'build') return super.copyFrom(containerId, path);
    const archive = pack();
    archive.entry({ name: 'opt/', type: 'directory', mode: 0o755 });
    const dirs = new Set<string>();
    for (const [file, contents] of Object.entries(this.optFiles).sort()) {
      const parts = file.split('/').slice(0, -1);
      for (let i = 1; i <= parts.length; i++) {
        const dir = parts.slice(0, i).join('/');
        if (dirs.has(dir)) continue;
        dirs.add(dir);
        archive.entry({ name: `opt/${dir}/`, type: 'directory', mode: 0o755 });
      }
      archive.entry({ name: `opt/${file}`, mode: 0o644 }, contents);
    }
    archive.finalize();
    return archive as unknown as Readable;
  }

  /**
   * Reads what the container would run; returns the line a shell prints for the first program
   * the image lacks, or undefined. `scripts` collects the scripts followed.
   */
  private replay(
    spec: ContainerSpec,
    shape: LambdaImageShape,
    scripts: ReplayedScript[],
  ): string | undefined {
    const argv = [...(spec.entrypoint ?? []), ...spec.command];
    const context: ReplayContext = {
      shape,
      mounts: spec.mounts ?? [],
      env: spec.env,
      provided: new Set<string>(),
      scripts,
    };
    const [program = '', ...args] = argv;
    const name = posix.basename(program);
    if (!SHELLS.has(name)) return imageLacks(shape, name) ? `sh: 1: ${name}: not found` : undefined;
    if (args[0] === '-c') {
      scripts.push({ path: 'sh -c', text: args[1] ?? '' });
      return this.replayScript(args[1] ?? '', 'sh', context);
    }
    return this.replayFile(args[0] ?? '', context);
  }

  private replayFile(path: string, context: ReplayContext): string | undefined {
    // plan.sh runs the recipe's script with bash or, without bash, sh: one reading is enough.
    if (context.scripts.some((s) => s.path === path)) return undefined;
    const host = hostPath(path, context.mounts);
    // A script that is not on a mount is in the image: the model does not know its text.
    if (host === undefined || !existsSync(host)) return undefined;
    const text = readFileSync(host, 'utf8');
    context.scripts.push({ path, text });
    return this.replayScript(text, path, context);
  }

  private replayScript(text: string, origin: string, context: ReplayContext): string | undefined {
    const { shape, provided } = context;
    const packageTools = lambdaImages().packageTools;
    for (const command of shellCommands(text, context.env)) {
      for (const run of programRuns(command)) {
        if (imageLacks(shape, run.program) && !provided.has(run.program))
          return `${origin}: ${run.line}: ${run.program}: not found`;
        if (PACKAGE_MANAGERS.has(run.program) && run.args.includes('install')) {
          const packages = run.args.slice(run.args.indexOf('install') + 1).filter((a) => !a.startsWith('-'));
          for (const name of packages) for (const tool of packageTools[name] ?? []) provided.add(tool);
        }
        if (SHELLS.has(run.program)) {
          const [flag, script] = run.args;
          const refused =
            flag === '-c'
              ? this.replayScript(script ?? '', run.program, context)
              : this.replayFile(run.args.find((a) => !a.startsWith('-')) ?? '', context);
          if (refused) return refused;
        } else if (hostPath(run.word, context.mounts) !== undefined) {
          // A mounted script started by its path.
          const refused = this.replayFile(run.word, context);
          if (refused) return refused;
        }
      }
    }
    return undefined;
  }
}

/** The host file behind a container path, through the container's mounts. */
function hostPath(path: string, mounts: Mount[]): string | undefined {
  for (const mount of mounts) {
    const prefix = mount.containerPath.endsWith('/') ? mount.containerPath : `${mount.containerPath}/`;
    if (path.startsWith(prefix)) return join(mount.hostPath, path.slice(prefix.length));
  }
  return undefined;
}
