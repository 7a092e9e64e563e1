import { describe, expect, it } from 'vitest';
import { grantsFor } from '../../../src/core/publish/sharing.js';

describe('sharing grants', () => {
  it('maps --public, --principal and --org to deterministic statements', () => {
    expect(grantsFor({ public: true })).toEqual([{ statementId: 'layerforge-public', principal: '*' }]);
    expect(
      grantsFor({ principals: ['111122223333', 'arn:aws:iam::444455556666:root'], orgs: ['o-a1b2c3d4e5'] }),
    ).toEqual([
      { statementId: 'layerforge-account-111122223333', principal: '111122223333' },
      { statementId: 'layerforge-account-444455556666', principal: 'arn:aws:iam::444455556666:root' },
      { statementId: 'layerforge-org-o-a1b2c3d4e5', principal: '*', organizationId: 'o-a1b2c3d4e5' },
    ]);
  });

  it('gives nothing without options and merges repeats', () => {
    expect(grantsFor(undefined)).toEqual([]);
    expect(grantsFor({ public: false, principals: [], orgs: [] })).toEqual([]);
    expect(grantsFor({ principals: ['111122223333', '111122223333'] })).toHaveLength(1);
  });

  it('rejects what AddLayerVersionPermission would reject', () => {
    expect(() => grantsFor({ public: true, orgs: ['o-a1b2c3d4e5'] })).toThrow(/--public already shares/);
    expect(() => grantsFor({ principals: ['1234'] })).toThrow(/not an AWS account id/);
    expect(() => grantsFor({ principals: ['*'] })).toThrow(/not an AWS account id/);
    expect(() => grantsFor({ orgs: ['o-short'] })).toThrow(/not an AWS organization id/);
  });
});
