import type { DoctorReport } from '../core/doctor/types.js';
import { formatTable } from './format.js';

const WHERE = { host: 'this machine', engine: 'engine', aws: 'AWS' } as const;

/** The report as `layerforge doctor` prints it: one row per check, its details and fix below it. */
export function formatDoctorReport(report: DoctorReport): string {
  const rows: string[][] = [['STATUS', 'CHECK', 'WHERE', 'RESULT']];
  for (const check of report.checks) {
    rows.push([check.status, check.id, WHERE[check.where], check.summary]);
    for (const line of check.details ?? []) rows.push(['', '', '', `  ${line}`]);
    if (check.hint && check.status !== 'ok') rows.push(['', '', '', `  fix: ${check.hint}`]);
  }
  const verdict =
    report.failures > 0
      ? `${report.failures} check(s) failed, ${report.warnings} warning(s)`
      : report.warnings > 0
        ? `no failures, ${report.warnings} warning(s): the parts they name will not work until fixed`
        : 'everything layerforge needs is here';
  return `${formatTable(rows)}\n\n${verdict}`;
}
