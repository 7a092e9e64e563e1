/** One rule's line in the manifest and in the `prune.rule` event. */
export interface PruneRecord {
  rule: string;
  bytesSaved: number;
  reverted: boolean;
}

/**
 * A rule that has been applied once and can be switched off and on again without recomputing
 * it: the files it removed or replaced are kept in a side folder until the build ends.
 */
export interface RuleToggle {
  /** What the manifest and events call it: a built-in rule id or `remove <glob>`. */
  readonly name: string;
  readonly bytesSaved: number;
  /** Paths the rule removed or rewrote: a rule that removed only empty files still counts. */
  readonly changes: number;
  applied: boolean;
  revert(): Promise<void>;
  reapply(): Promise<void>;
}

/** Runs the recipe's smoke tests on the staged layer as it is now: true when all pass. */
export type LayerTester = () => Promise<{
  ok: boolean;
  /** Names of the failed tests. */
  failed: string[];
  /** The last lines of each failed test's output, for the user. */
  details: string[];
}>;
