import {
  AddLayerVersionPermissionCommand,
  GetLayerVersionPolicyCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { isConflictError, isNotFoundError } from '../aws/errors.js';
import { UserError } from '../errors.js';
import type { SharingOptions } from './types.js';

/** One AddLayerVersionPermission call: who, and under which statement id. */
export interface LayerGrant {
  /** Derived from the principal, so a re-run names the same statement. */
  statementId: string;
  principal: string;
  organizationId?: string;
}

/** Patterns from the AddLayerVersionPermission API reference. */
const ACCOUNT = /^\d{12}$/;
const ACCOUNT_ROOT_ARN = /^arn:aws[a-zA-Z-]*:iam::(\d{12}):root$/;
const ORGANIZATION = /^o-[a-z0-9]{10,32}$/;

/** Turns --public / --principal / --org into grants; a UserError for ids AWS would reject. */
export function grantsFor(sharing: SharingOptions | undefined): LayerGrant[] {
  if (!sharing) return [];
  const principals = sharing.principals ?? [];
  const orgs = sharing.orgs ?? [];
  if (sharing.public && (principals.length > 0 || orgs.length > 0)) {
    throw new UserError('--public already shares with every account', {
      hint: 'drop --principal/--org, or drop --public to share more narrowly',
    });
  }
  const grants: LayerGrant[] = [];
  if (sharing.public) grants.push({ statementId: 'layerforge-public', principal: '*' });
  for (const principal of principals) {
    const account = ACCOUNT.test(principal) ? principal : ACCOUNT_ROOT_ARN.exec(principal)?.[1];
    if (!account) {
      throw new UserError(`"${principal}" is not an AWS account id`, {
        hint: 'give a 12-digit account id or arn:aws:iam::<account>:root',
      });
    }
    grants.push({ statementId: `layerforge-account-${account}`, principal });
  }
  for (const org of orgs) {
    if (!ORGANIZATION.test(org)) {
      throw new UserError(`"${org}" is not an AWS organization id`, {
        hint: 'organization ids look like o-a1b2c3d4e5',
      });
    }
    grants.push({ statementId: `layerforge-org-${org}`, principal: '*', organizationId: org });
  }
  // The same principal given twice is one statement.
  return [...new Map(grants.map((g) => [g.statementId, g])).values()];
}

/** Statement ids on a layer version's policy; none when it has no policy yet. */
export async function policyStatementIds(
  lambda: LambdaClient,
  layerName: string,
  version: number,
  signal: AbortSignal,
): Promise<Set<string>> {
  try {
    const response = await lambda.send(
      new GetLayerVersionPolicyCommand({ LayerName: layerName, VersionNumber: version }),
      {
        abortSignal: signal,
      },
    );
    const policy = JSON.parse(response.Policy ?? '{}') as { Statement?: { Sid?: unknown }[] };
    return new Set(
      (policy.Statement ?? []).map((s) => s.Sid).filter((sid): sid is string => typeof sid === 'string'),
    );
  } catch (error) {
    if (isNotFoundError(error)) return new Set();
    throw error;
  }
}

/**
 * Adds each grant the version's policy lacks. Re-running is harmless: present statements are
 * skipped, and a ResourceConflictException (another run added it meanwhile) counts as done once
 * the policy shows the statement.
 */
export async function shareLayerVersion(
  lambda: LambdaClient,
  layerName: string,
  version: number,
  grants: LayerGrant[],
  signal: AbortSignal,
): Promise<{ statementId: string; added: boolean }[]> {
  if (grants.length === 0) return [];
  const present = await policyStatementIds(lambda, layerName, version, signal);
  const results: { statementId: string; added: boolean }[] = [];
  for (const grant of grants) {
    if (present.has(grant.statementId)) {
      results.push({ statementId: grant.statementId, added: false });
      continue;
    }
    try {
      await lambda.send(
        new AddLayerVersionPermissionCommand({
          LayerName: layerName,
          VersionNumber: version,
          StatementId: grant.statementId,
          Action: 'lambda:GetLayerVersion',
          Principal: grant.principal,
          ...(grant.organizationId ? { OrganizationId: grant.organizationId } : {}),
        }),
        { abortSignal: signal },
      );
      results.push({ statementId: grant.statementId, added: true });
    } catch (error) {
      if (!isConflictError(error)) throw error;
      const now = await policyStatementIds(lambda, layerName, version, signal);
      if (!now.has(grant.statementId)) throw error;
      results.push({ statementId: grant.statementId, added: false });
    }
  }
  return results;
}
