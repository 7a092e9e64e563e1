/**
 * The actions a generated workflow uses, each pinned to a full version tag: a moving major tag
 * (`@v5`) runs whatever its owner points it at next. A commit SHA pins harder still, but
 * layerforge cannot reach GitHub to read one, and a SHA not read from the action's repository
 * would pin nothing, so none is written here; the generated file says how to add them.
 *
 * All five are the first releases of their Node 24 majors (GitHub is retiring Node 20 for
 * actions), and actionlint 1.7.12 knows each major's inputs (see test/integration/ci-github.test.ts).
 */
export const PINNED_ACTIONS = {
  checkout: 'actions/checkout@v5.0.0',
  setupNode: 'actions/setup-node@v5.0.0',
  uploadArtifact: 'actions/upload-artifact@v5.0.0',
  downloadArtifact: 'actions/download-artifact@v5.0.0',
  awsCredentials: 'aws-actions/configure-aws-credentials@v5.0.0',
} as const;
