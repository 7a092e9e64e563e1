import { describe, expect, it } from 'vitest';
import type { AnyCommand } from '../../src/commands/command.js';
import {
  choice,
  commanderOption,
  count,
  flag,
  list,
  negated,
  optionValues,
  text,
  type OptionTable,
} from '../../src/commands/options.js';
import { commandLoaders } from '../../src/commands/registry.js';
import { UserError } from '../../src/core/errors.js';

const table = {
  out: text('--out <dir>', 'folder', 'dist'),
  name: text('--name <name>', 'name'),
  region: list('--region <region>', 'regions'),
  layer: list('--layer <zip>', 'layers', false),
  test: flag('--test', 'test'),
  cache: negated('--no-cache', 'no cache'),
  jobs: count('--jobs <n>', 'jobs', 1),
  timeout: count('--timeout <s>', 'seconds'),
  prune: choice('--prune <profile>', 'profile', ['none', 'safe', 'max'], 'safe is the default'),
};

describe('option values typed from their declarations', () => {
  it('gives each kind its value when nothing is given', () => {
    expect(optionValues(table, {})).toEqual({
      json: false,
      quiet: false,
      out: 'dist',
      name: undefined,
      region: [],
      layer: [],
      test: false,
      cache: true,
      jobs: 1,
      timeout: undefined,
      prune: undefined,
    });
  });

  it('splits lists at commas unless a comma belongs to the value', () => {
    const values = optionValues(table, {
      region: ['us-east-1,eu-west-1', ' ap-south-1 '],
      layer: ['dist/a,b.zip', 'jq'],
      cache: false,
      json: true,
    });
    expect(values.region).toEqual(['us-east-1', 'eu-west-1', 'ap-south-1']);
    expect(values.layer).toEqual(['dist/a,b.zip', 'jq']);
    expect(values.cache).toBe(false);
    expect(values.json).toBe(true);
  });

  it('refuses a count that is not a whole number ≥ 1, naming the flag', () => {
    expect(optionValues(table, { jobs: '3' }).jobs).toBe(3);
    for (const raw of ['0', '-2', '1.5', 'two', '']) {
      expect(() => optionValues(table, { jobs: raw })).toThrow(
        new UserError(`--jobs must be a whole number ≥ 1, got "${raw}"`),
      );
    }
  });

  it('refuses a value outside the choices, with the choices and the hint', () => {
    expect(optionValues(table, { prune: 'max' }).prune).toBe('max');
    try {
      optionValues(table, { prune: 'most' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).message).toBe('--prune must be one of none, safe, max, got "most"');
      expect((error as UserError).hint).toBe('safe is the default');
    }
  });

  it("refuses a declaration whose key is not the flag's attribute name", () => {
    expect(() => commanderOption('bucket', text('--s3-bucket <name>', 'bucket'))).toThrow(
      'option "--s3-bucket <name>" is declared as "bucket"; its key must be "s3Bucket"',
    );
    expect(() => commanderOption('noCache', negated('--no-cache', 'x'))).toThrow(/must be "cache"/);
  });

  it('every command declares its options under the names commander gives them', async () => {
    const check = (command: AnyCommand): number => {
      let checked = 0;
      const options: OptionTable = command.options ?? {};
      for (const [key, decl] of Object.entries(options)) {
        expect(commanderOption(key, decl).attributeName()).toBe(key);
        checked += 1;
      }
      for (const sub of command.subcommands ?? []) checked += check(sub);
      return checked;
    };
    let total = 0;
    for (const load of Object.values(commandLoaders)) total += check(await load());
    expect(total).toBeGreaterThan(50);
  });
});
