// A large response (a resized image from a Node function, ~85 KB) once came back cut: its one
// marker line was longer than the pipe's atomic write, and the emulator's REPORT line landed
// inside it. The driver now prints a response as base64 `part` lines, each one atomic write.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordEvents } from '../../../src/core/events.js';
import { DRIVER_SCRIPT, RESPONSE_PART_CHARS } from '../../../src/core/invoke/driver.js';
import { outputReader } from '../../../src/core/invoke/output-reader.js';
import { tempDir } from '../../support/temp-dir.js';

/** The driver's lines that print one response, run by bash on `file` as response 1, 250 µs after it was sent. */
async function printedLines(file: string): Promise<string[]> {
  const lines = DRIVER_SCRIPT.split('\n');
  const start = lines.findIndex((l) => l.includes('base64 -w'));
  const end = lines.findIndex((l) => l.includes('@@layerforge response $n'));
  expect([start, end].every((i) => i > 0) && end > start).toBe(true);
  const script = ['n=1', 'start=0', 'end=250000', ...lines.slice(start, end + 1)]
    .join('\n')
    .replaceAll('/tmp/.layerforge-response', file);
  const result = spawnSync('bash', ['-c', script], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout.split('\n').filter((l) => l.length > 0);
}

describe('a large response through the driver and the output reader', () => {
  it('is printed in lines that each fit one atomic pipe write (4 KiB)', async () => {
    const dir = await tempDir('layerforge-parts-');
    const file = join(dir, 'response');
    await writeFile(file, Buffer.concat([Buffer.from('HTTP/1.0 200 OK\r\n\r\n'), randomBytes(120_000)]));
    const lines = await printedLines(file);
    expect(lines.length).toBeGreaterThan(40);
    expect(Math.max(...lines.map((l) => Buffer.byteLength(l) + 1))).toBeLessThanOrEqual(4096);
    expect(RESPONSE_PART_CHARS % 4).toBe(0);
  });

  it('comes back whole when other lines land between its parts', async () => {
    const dir = await tempDir('layerforge-parts-');
    const file = join(dir, 'response');
    const body = Buffer.from(JSON.stringify({ image: randomBytes(60_000).toString('base64') }));
    await writeFile(file, Buffer.concat([Buffer.from('HTTP/1.0 200 OK\r\n\r\n'), body]));
    const lines = await printedLines(file);
    const { sink, events } = recordEvents();
    const reader = outputReader(sink);
    for (const [index, line] of lines.entries()) {
      if (index === 3)
        reader.onLine('REPORT RequestId: r1\tDuration: 8.00 ms\tBilled Duration: 8 ms\tMemory Size: 3008 MB');
      if (index === 7) reader.onLine('a log line the function wrote meanwhile');
      reader.onLine(line);
    }
    expect(reader.invocations).toHaveLength(1);
    expect(reader.invocations[0]).toMatchObject({ index: 1, statusCode: 200, roundTripMs: 0.25 });
    expect(reader.invocations[0]?.payload).toBe(body.toString());
    expect(reader.invocations[0]?.report).toMatchObject({ requestId: 'r1', durationMs: 8 });
    expect(
      events.filter((e) => e.type === 'invoke.log').map((e) => e.type === 'invoke.log' && e.line),
    ).toEqual(['a log line the function wrote meanwhile']);
  });
});
