import type { Random } from './random.js';

// Offsets of the fields a hostile zip lies about (APPNOTE.TXT 4.3.7, 4.3.12, 4.3.16).
const LOCAL = { signature: 0x04034b50, flags: 6, method: 8, crc: 14, compressed: 18, size: 22, length: 30 };
const CENTRAL = {
  signature: 0x02014b50,
  flags: 8,
  method: 10,
  crc: 16,
  compressed: 20,
  size: 24,
  nameLength: 28,
  extraLength: 30,
  commentLength: 32,
  attributes: 38,
  localOffset: 42,
  length: 46,
};
const END = { signature: 0x06054b50, diskEntries: 8, entries: 10, size: 12, offset: 16 };

function offsetsOf(zip: Buffer, signature: number): number[] {
  const found: number[] = [];
  for (let at = zip.indexOf('PK'); at >= 0 && at + 4 <= zip.length; at = zip.indexOf('PK', at + 1)) {
    if (zip.readUInt32LE(at) === signature) found.push(at);
  }
  return found;
}

function writeU32(zip: Buffer, at: number, value: number): void {
  if (at + 4 <= zip.length) zip.writeUInt32LE(value >>> 0, at);
}

function writeU16(zip: Buffer, at: number, value: number): void {
  if (at + 2 <= zip.length) zip.writeUInt16LE(value & 0xffff, at);
}

const HUGE = [0xffffffff, 0x7fffffff, 0x80000000, 262_144_001, 2_000_000_000, 0, 1];

type Mutation = (zip: Buffer, random: Random) => Buffer;

const flipAnywhere: Mutation = (zip, random) => {
  const at = random.int(zip.length);
  zip[at] = (zip[at] ?? 0) ^ (1 << random.int(8));
  return zip;
};

const flipInHeader: Mutation = (zip, random) => {
  const headers = [
    ...offsetsOf(zip, LOCAL.signature).map((at) => [at, LOCAL.length] as const),
    ...offsetsOf(zip, CENTRAL.signature).map((at) => [at, CENTRAL.length] as const),
  ];
  if (headers.length === 0) return flipAnywhere(zip, random);
  const [start, length] = random.pick(headers);
  const at = start + 4 + random.int(length - 4);
  if (at < zip.length) zip[at] = random.int(256);
  return zip;
};

const lieAboutSize: Mutation = (zip, random) => {
  const local = random.next() < 0.5;
  const offsets = offsetsOf(zip, local ? LOCAL.signature : CENTRAL.signature);
  if (offsets.length === 0) return flipAnywhere(zip, random);
  const at = random.pick(offsets);
  const fields = local
    ? [LOCAL.compressed, LOCAL.size, LOCAL.crc]
    : [CENTRAL.compressed, CENTRAL.size, CENTRAL.crc];
  writeU32(zip, at + random.pick(fields), random.pick(HUGE));
  return zip;
};

const strangeMethodOrFlags: Mutation = (zip, random) => {
  const central = offsetsOf(zip, CENTRAL.signature);
  const local = offsetsOf(zip, LOCAL.signature);
  const which = random.int(4);
  if (which === 0 && central.length > 0)
    writeU16(zip, random.pick(central) + CENTRAL.method, random.pick([1, 6, 12, 14, 99, 0xffff]));
  else if (which === 1 && central.length > 0)
    writeU16(zip, random.pick(central) + CENTRAL.flags, random.pick([0x1, 0x41, 0x800, 0x8]));
  else if (which === 2 && local.length > 0)
    writeU16(zip, random.pick(local) + LOCAL.method, random.pick([8, 0, 99]));
  else if (central.length > 0) {
    // Symlink, FIFO, device, set-uid or mode-0 entries in the unix attributes.
    const mode = random.pick([0o120777, 0o010644, 0o020644, 0o104755, 0o000000, 0o040000]);
    writeU32(zip, random.pick(central) + CENTRAL.attributes, (mode << 16) >>> 0);
  }
  return zip;
};

/** Points one central entry's data at another entry's: the overlap of a classic zip bomb. */
const overlapEntries: Mutation = (zip, random) => {
  const central = offsetsOf(zip, CENTRAL.signature);
  if (central.length < 2) return lieAboutSize(zip, random);
  const from = random.pick(central);
  const to = random.pick(central);
  writeU32(zip, to + CENTRAL.localOffset, zip.readUInt32LE(from + CENTRAL.localOffset));
  return zip;
};

/** Repeats a central record and fixes the end record, so the copy looks legitimate. */
const duplicateEntry: Mutation = (zip, random) => {
  const central = offsetsOf(zip, CENTRAL.signature);
  const [end] = offsetsOf(zip, END.signature).slice(-1);
  if (central.length === 0 || end === undefined) return flipAnywhere(zip, random);
  const at = random.pick(central);
  const length =
    CENTRAL.length +
    zip.readUInt16LE(at + CENTRAL.nameLength) +
    zip.readUInt16LE(at + CENTRAL.extraLength) +
    zip.readUInt16LE(at + CENTRAL.commentLength);
  const record = zip.subarray(at, at + length);
  const copies = 1 + random.int(3);
  const out = Buffer.concat([zip.subarray(0, end), ...Array<Buffer>(copies).fill(record), zip.subarray(end)]);
  const newEnd = end + length * copies;
  writeU16(out, newEnd + END.diskEntries, out.readUInt16LE(newEnd + END.diskEntries) + copies);
  writeU16(out, newEnd + END.entries, out.readUInt16LE(newEnd + END.entries) + copies);
  writeU32(out, newEnd + END.size, out.readUInt32LE(newEnd + END.size) + length * copies);
  return out;
};

const breakEndRecord: Mutation = (zip, random) => {
  const [end] = offsetsOf(zip, END.signature).slice(-1);
  if (end === undefined) return flipAnywhere(zip, random);
  const field = random.pick([END.diskEntries, END.entries, END.size, END.offset]);
  if (field === END.size || field === END.offset) writeU32(zip, end + field, random.pick(HUGE));
  else writeU16(zip, end + field, random.pick([0, 1, 0xffff]));
  return zip;
};

const truncate: Mutation = (zip, random) => Buffer.from(zip.subarray(0, random.int(zip.length)));

const appendGarbage: Mutation = (zip, random) =>
  Buffer.concat([zip, Buffer.from(Array.from({ length: 1 + random.int(64) }, () => random.int(256)))]);

const MUTATIONS: readonly Mutation[] = [
  flipAnywhere,
  flipInHeader,
  flipInHeader,
  lieAboutSize,
  lieAboutSize,
  strangeMethodOrFlags,
  overlapEntries,
  duplicateEntry,
  breakEndRecord,
  truncate,
  appendGarbage,
];

/** One to three structural mutations of a valid zip. */
export function mutateZip(seed: Buffer, random: Random): Buffer {
  let zip: Buffer = Buffer.from(seed);
  const rounds = 1 + random.int(3);
  for (let i = 0; i < rounds; i++) zip = random.pick(MUTATIONS)(zip, random);
  return zip;
}
