import { runDoctor } from '../core/doctor/run-doctor.js';
import { ExitCode } from '../core/errors.js';
import { formatDoctorReport } from '../ui/doctor-view.js';
import { defineCommand } from './command.js';
import { flag, text } from './options.js';
import { awsOptions } from './shared-options.js';

export const command = defineCommand({
  name: 'doctor',
  summary: 'check the engine, arm64 emulation, debootstrap, the emulator, AWS settings and the cache',
  help: [
    'Each check says ok, warn or fail, where it looked (this machine, the engine, AWS) and the fix.',
    'Exit code 1 when a check fails; warnings (a part you may not use) do not fail.',
    'AWS is not called unless --online (then one ListLayers call with one item).',
    '',
    'Examples:',
    '  layerforge doctor',
    '  layerforge doctor --online --profile prod --region eu-west-1',
    '  layerforge doctor --json | jq \'.checks[] | select(.status != "ok")\'',
  ].join('\n'),
  options: {
    online: flag(
      '--online',
      'also call AWS once (Lambda ListLayers, one item) to prove the credentials work',
    ),
    rie: text(
      '--rie <path>',
      "AWS's emulator binary (aws-lambda-rie), as `invoke` takes it; also $LAYERFORGE_RIE",
    ),
    dockerHost: text(
      '--docker-host <url>',
      'Docker engine endpoint (default: DOCKER_HOST or the local socket)',
    ),
    ...awsOptions,
  },
  async run(_args, options, ctx) {
    const { profile, endpointUrl } = options;
    const region = options.region[0];
    const report = await runDoctor(
      {
        online: options.online,
        ...(options.rie ? { rie: options.rie } : {}),
        ...(region ? { region } : {}),
        aws: { ...(profile ? { profile } : {}), ...(endpointUrl ? { endpointUrl } : {}) },
      },
      ctx.job,
    );
    if (ctx.json) ctx.printJson(report);
    else ctx.print(formatDoctorReport(report));
    return report.failures > 0 ? ExitCode.failure : ExitCode.ok;
  },
});
