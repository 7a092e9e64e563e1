/**
 * bench/history.jsonl: one JSON line per full or partial run (commit, date, machine, every
 * figure as a flat name → number map), so a regression shows as one number moving between commits.
 */
import { appendFile } from 'node:fs/promises';
import { evaluateGoals, type GoalFigures } from './goals.js';
import type { BenchFigures } from './report.js';
import { median } from './shell.js';
import { medianSteps } from './steps.js';

export interface HistoryRecord {
  commit: string;
  /** The working tree had changes not in that commit. */
  dirty: boolean;
  date: string;
  machine: BenchFigures['machine'];
  /** Which parts ran (`--only`). */
  parts: string[];
  figures: Record<string, number>;
  /** Goals met and missed, by row key (goals.ts); rows not measured are left out. */
  goals: Record<string, boolean>;
}

function goalFigures(g: GoalFigures): Record<string, number> {
  const out: Record<string, number> = {};
  const put = (name: string, values: number[]) => {
    if (values.length) out[name] = median(values);
  };
  if (g.cold) {
    put('cold.layerforge.s', g.cold.layerforgeSeconds);
    put('cold.naive.s', g.cold.naiveSeconds);
    put('warm.layerforge.s', g.cold.warmLayerforgeSeconds);
    put('warm.naive.s', g.cold.warmNaiveSeconds);
    out['build.peakRss.bytes'] = Math.max(...g.cold.peakRssBytes);
    out['size.layerforge.bytes'] = g.cold.layerforgeUnzippedBytes;
    out['size.naive.bytes'] = g.cold.naiveUnzippedBytes;
    if (g.cold.pycOnly) out['size.pycOnly.bytes'] = g.cold.pycOnly.unzippedBytes;
    out['smoke.passed'] = g.cold.smoke.passed;
    out['smoke.total'] = g.cold.smoke.total;
    for (const st of medianSteps(g.cold.steps, g.cold.layerforgeSeconds))
      out[`cold.step.${st.step}.ms`] = st.ms;
  }
  for (const r of g.startup ?? []) {
    put(`startup.node${r.node}.node.s`, r.nodeSeconds);
    put(`startup.node${r.node}.version.s`, r.versionSeconds);
    put(`startup.node${r.node}.list.s`, r.listSeconds);
    put(`startup.node${r.node}.cacheHit.s`, r.cacheHitSeconds);
  }
  if (g.audit) {
    put('audit.ms', g.audit.auditMs);
    put('audit.wall.s', g.audit.auditWallSeconds);
    put('audit.unzip.s', g.audit.unzipSeconds);
    out['audit.zip.bytes'] = g.audit.zipBytes;
  }
  if (g.ci) out['ci.s'] = g.ci.seconds;
  return out;
}

export function historyRecord(
  f: BenchFigures,
  commit: string,
  dirty: boolean,
  parts: string[],
): HistoryRecord {
  const figures = goalFigures(f.goals ?? {});
  for (const r of f.recipes) {
    for (const v of r.variants) {
      const key = `${r.name}.${v.id}`;
      figures[`${key}.unzipped.bytes`] = v.size.unzippedBytes;
      figures[`${key}.zipped.bytes`] = v.size.zippedBytes;
      figures[`${key}.build.s`] = v.buildSeconds;
      if (!v.importError && v.importMs.length) figures[`${key}.import.ms`] = median(v.importMs);
      if (v.rebuildSeconds !== undefined) figures[`${key}.rebuild.s`] = v.rebuildSeconds;
    }
  }
  if (f.zip) {
    figures['zip.layerforge.s'] = f.zip.layerforgeSeconds;
    figures['zip.layerforgeWall.s'] = f.zip.layerforgeWallSeconds;
    figures['zip.infozip.s'] = f.zip.infozipSeconds;
    figures['zip.peakRss.bytes'] = f.zip.peakRssBytes;
  }
  const goals: Record<string, boolean> = {};
  for (const row of evaluateGoals(f.goals ?? {}, f.zip)) if (row.met !== undefined) goals[row.key] = row.met;
  return { commit, dirty, date: f.date, machine: f.machine, parts, figures, goals };
}

export async function appendHistory(path: string, record: HistoryRecord): Promise<void> {
  await appendFile(path, `${JSON.stringify(record)}\n`);
}
