import type { Readable } from 'node:stream';
import type { ResolvedBase } from '../base-images/resolve.js';
import type { ContainerEngine } from '../engine/container-engine.js';
import { walkArchive } from '../engine/archive-entries.js';
import { BUILD_META_DIR } from './plan.js';

/** No record the build leaves is near this; a bigger one is not read into memory. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** What the build container left for the manifest, read from it after it stopped. */
export interface BuildMeta {
  /** pip's `--report`, when Python requirements were installed. */
  pythonReport?: string;
  /** `layer path \t copied from \t that path with links resolved`, one exported file a line. */
  exported?: string;
  /** `rpm -qa` in RPM_QUERY_FORMAT (Amazon Linux builds). */
  rpmPackages?: string;
  /** `layer path \t owning rpm` (Amazon Linux builds). */
  rpmOwners?: string;
  /** Debian's /var/lib/dpkg/status, read when files were exported on an apt image. */
  dpkgStatus?: string;
  /** Debian's /var/lib/dpkg/info/*.list by package (`jq`, `libc6:amd64`). */
  dpkgLists?: Map<string, string>;
}

/**
 * Reads what the plan and the export wrote to /layerforge-meta, and on Debian the dpkg database
 * the exported files are looked up in, through the engine's archive API: the build image may
 * lack every tool, and nothing more runs in it.
 */
export async function readBuildMeta(
  engine: ContainerEngine,
  containerId: string,
  base: ResolvedBase,
  signal?: AbortSignal,
): Promise<BuildMeta> {
  const meta: BuildMeta = {};
  const files = await readArchiveFiles(
    await engine.copyFromIfPresent(containerId, `${BUILD_META_DIR}/.`),
    () => true,
    signal,
  );
  meta.pythonReport = files.get('python-report.json');
  meta.exported = files.get('exported.tsv');
  meta.rpmPackages = files.get('os-packages.txt');
  meta.rpmOwners = files.get('os-owners.tsv');
  if (base.packageManager === 'apt' && meta.exported?.trim()) {
    // One read of dpkg's folder: its status file and each package's list of files.
    const dpkg = await readArchiveFiles(
      await engine.copyFromIfPresent(containerId, '/var/lib/dpkg/.'),
      (name) => name === 'status' || /^info\/[^/]+\.list$/.test(name),
      signal,
    );
    meta.dpkgStatus = dpkg.get('status');
    const lists = [...dpkg].filter(([name]) => name.startsWith('info/'));
    meta.dpkgLists = new Map(lists.map(([name, text]) => [name.slice(5).replace(/\.list$/, ''), text]));
  }
  return meta;
}

/** The regular files of a small archive whose names pass `keep`, by name relative to its root. */
async function readArchiveFiles(
  archive: Readable | undefined,
  keep: (name: string) => boolean,
  signal?: AbortSignal,
): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  if (!archive) return files;
  await walkArchive(
    archive,
    async ({ name, header, body }) => {
      if (header.type !== 'file' || (header.size ?? 0) > MAX_FILE_BYTES || !keep(name)) return;
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(chunk);
      files.set(name, Buffer.concat(chunks).toString('utf8'));
    },
    signal,
  );
  return files;
}
