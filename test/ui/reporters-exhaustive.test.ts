// The reporters handle the whole event union: a member without a case fails to compile in
// the reporter, and a sample it cannot describe throws here.
import { describe, expect, it } from 'vitest';
import { describeEvent, jsonReporter, plainReporter } from '../../src/ui/plain-reporter.js';
import { EVENT_SAMPLES } from '../support/event-samples.js';

const samples = Object.values(EVENT_SAMPLES);

describe('reporters over the event union', () => {
  it.each(samples.map((event) => [event.type, event] as const))(
    'the plain reporter handles %s',
    (_type, event) => {
      expect(() => describeEvent(event)).not.toThrow();
      expect(() => plainReporter(() => {})(event)).not.toThrow();
    },
  );

  it('the JSON reporter writes every member as one line that reads back the same', () => {
    let out = '';
    const sink = jsonReporter((text) => (out += text));
    for (const event of samples) sink(event);
    const lines = out.trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual(
      samples.map((event) => JSON.parse(JSON.stringify(event)) as unknown),
    );
  });

  it('throws on a record outside the union instead of dropping it', () => {
    const stray = { type: 'made.up' } as unknown as Parameters<typeof describeEvent>[0];
    expect(() => describeEvent(stray)).toThrow(/unexpected value/);
  });
});
