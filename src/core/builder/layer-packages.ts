import type { LayerPackages } from '../layer/manifest-packages.js';
import { folderLayerFiles } from '../sbom/layer-files.js';
import {
  debianPackages,
  parseDpkgStatus,
  parseExported,
  parseRpmQuery,
  rpmPackages,
} from '../sbom/os-packages.js';
import { parsePipReport } from '../sbom/pip-report.js';
import { readNpmPackages, readPythonPackages } from '../sbom/read-packages.js';
import { sourceArchives } from '../sbom/source-archives.js';
import type { BuildMeta } from './build-meta.js';
import type { BuildTarget } from './resolve-target.js';
import { sourceFilename } from './sources.js';

/**
 * What a build put in its layer, for the manifest: the wheels and npm packages found in the
 * staged tree (with pip's origins), the OS packages that own the exported files, and the
 * recipe's source archives.
 */
export async function layerPackages(
  staging: string,
  meta: BuildMeta,
  target: Pick<BuildTarget, 'loaded' | 'base'>,
  signal?: AbortSignal,
): Promise<LayerPackages> {
  const files = await folderLayerFiles(staging, signal);
  try {
    const layerFiles = [...files.entries.values()].filter((e) => e.type !== 'dir').map((e) => e.path);
    const os = target.base.os.id;
    const exported = parseExported(meta.exported);
    const osPackages =
      meta.dpkgStatus && meta.dpkgLists
        ? debianPackages(layerFiles, exported, parseDpkgStatus(meta.dpkgStatus), meta.dpkgLists, os)
        : meta.rpmPackages && meta.rpmOwners
          ? rpmPackages(layerFiles, meta.rpmOwners, parseRpmQuery(meta.rpmPackages), os)
          : [];
    return {
      python: await readPythonPackages(files, parsePipReport(meta.pythonReport)),
      npm: await readNpmPackages(files),
      os: osPackages,
      sources: sourceArchives(target.loaded.recipe.install.sources ?? [], os, sourceFilename),
    };
  } finally {
    await files.close();
  }
}
