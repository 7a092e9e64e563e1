/** What decides whether layerforge may open the interactive picker. */
export interface TerminalFacts {
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  json?: boolean;
}

/** CI services set CI (to true, 1 or their name); `CI=false` or `CI=0` turns it off again. */
export function isCI(env: NodeJS.ProcessEnv): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

/**
 * Why the picker cannot open here, or undefined when it can: it needs a terminal on both
 * stdin and stdout, no CI, and no --json (whose readers expect JSON lines, not a screen).
 */
export function whyNotInteractive(facts: TerminalFacts): string | undefined {
  if (facts.json) return '--json was given';
  if (isCI(facts.env)) return 'CI is set';
  if (!facts.isTTY) return 'stdin and stdout are not both a terminal';
  return undefined;
}
