import { UserError } from '../errors.js';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** `30d`, `12h`, `90m`, `2w` (minutes, hours, days, weeks) as milliseconds: `--older-than`'s value. */
export function parseAge(text: string): number {
  const match = /^\s*(\d+)\s*([mhdw])\s*$/i.exec(text);
  const unit = match?.[2]?.toLowerCase() as keyof typeof UNIT_MS | undefined;
  if (!match || unit === undefined) {
    throw new UserError(`--older-than must be a number and a unit (m, h, d or w), got "${text}"`, {
      hint: 'e.g. --older-than 30d (30 days), 12h, 90m or 2w',
    });
  }
  return Number(match[1]) * UNIT_MS[unit];
}
