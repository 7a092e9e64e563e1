import { ListLayersCommand } from '@aws-sdk/client-lambda';
import type { AwsClients } from '../aws/clients.js';
import { describeAwsError } from '../aws/errors.js';
import { InterruptedError, UserError } from '../errors.js';
import type { DoctorCheck } from './types.js';

export interface AwsCheckOptions {
  /** `--region`: else the SDK's default (AWS_REGION, the profile). */
  region?: string;
  /** Where the credentials were asked for, for the summary: `profile p`, `the environment`. */
  source: string;
  /** Make one Lambda call (ListLayers, one item): proves the credentials, the region and the network. */
  online: boolean;
  signal: AbortSignal;
}

/**
 * The region and credentials, resolved as publish resolves them. Offline, the credential chain is
 * resolved but no Lambda call is made (a role or SSO profile may still fetch its temporary
 * credentials, as the chain does); `online` adds one ListLayers call.
 */
export async function checkAws(clients: AwsClients, options: AwsCheckOptions): Promise<DoctorCheck[]> {
  // Without --online nothing here is needed to build: a gap is a warning, not a failure.
  const missing = options.online ? 'fail' : 'warn';
  const region = options.region ?? (await clients.defaultRegion());
  const regionCheck: DoctorCheck = region
    ? { id: 'aws-region', where: 'aws', status: 'ok', summary: region }
    : {
        id: 'aws-region',
        where: 'aws',
        status: missing,
        summary: 'no region (publish, versions and arns --region need one)',
        hint: 'pass --region, set AWS_REGION (or AWS_DEFAULT_REGION), or set region in your AWS profile',
      };
  let credentials: DoctorCheck;
  try {
    await clients.checkCredentials();
    credentials = {
      id: 'aws-credentials',
      where: 'aws',
      status: 'ok',
      summary: `resolved from ${options.source}`,
    };
  } catch (error) {
    if (options.signal.aborted) throw new InterruptedError();
    if (!(error instanceof UserError)) throw error;
    credentials = {
      id: 'aws-credentials',
      where: 'aws',
      status: missing,
      summary: `${error.message} (from ${options.source})`,
      hint: error.hint ?? 'set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    };
  }
  const checks = [regionCheck, credentials];
  if (!options.online) return checks;
  if (!region || credentials.status !== 'ok') {
    return [
      ...checks,
      { id: 'aws-lambda', where: 'aws', status: 'fail', summary: 'not called: no region or no credentials' },
    ];
  }
  try {
    const page = await clients
      .lambda(region)
      .send(new ListLayersCommand({ MaxItems: 1 }), { abortSignal: options.signal });
    const seen = page.Layers?.length
      ? `; first layer: ${page.Layers[0]?.LayerName ?? '?'}`
      : '; no layers yet';
    return [
      ...checks,
      {
        id: 'aws-lambda',
        where: 'aws',
        status: 'ok',
        summary: `Lambda answered ListLayers in ${region}${seen}`,
      },
    ];
  } catch (error) {
    if (options.signal.aborted) throw new InterruptedError();
    const { message, hint } = describeAwsError(error, (t) => clients.redact(t));
    return [
      ...checks,
      {
        id: 'aws-lambda',
        where: 'aws',
        status: 'fail',
        summary: `ListLayers in ${region}: ${message}`,
        hint,
      },
    ];
  }
}
