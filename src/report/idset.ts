// A compact set of statement ids for duplicate detection. Statement ids are UUIDs, so
// 64 of their bits are already a good hash: each id costs 8 bytes (+4 for the attempt it
// counted for) in an open-addressing table (24 bytes at the 50% load it grows at) instead of a ~100-byte JS string in a
// Set. 1M ids ≈ 24–48 MB. A false "seen" needs two ids equal in 64 bits (≈ n²/2⁶⁵,
// 3·10⁻⁸ for 1M ids). Ids that are not UUIDs are hashed with FNV-1a (two seeds).

function fnv(s: string, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h >>> 0;
}


/** Two 32-bit halves of an id's 64-bit fingerprint; never (0, 0), which marks an empty slot. */
const HEX8 = /^[0-9a-fA-F]{8}$/;

export function fingerprint(id: string): [number, number] {
  let hi: number;
  let lo: number;
  // The version nibble is fixed, so take bits from both ends of the UUID. (Two 8-char
  // checks cost less than testing the whole UUID pattern per statement.)
  const head = id.slice(0, 8);
  const tail = id.slice(28, 36);
  if (id.length === 36 && id.charCodeAt(8) === 45 && HEX8.test(head) && HEX8.test(tail)) {
    hi = Number.parseInt(head, 16) >>> 0;
    lo = Number.parseInt(tail, 16) >>> 0;
  } else {
    hi = fnv(id, 2166136261);
    lo = fnv(id, 0x9747b28c);
  }
  if (hi === 0 && lo === 0) lo = 1;
  return [hi, lo];
}

export interface IdSet {
  has(id: string): boolean;
  /** Adds the id with a small value (e.g. the attempt it counted for); false when it was already there. */
  add(id: string, value?: number): boolean;
  /** The value stored with the id, or -1. */
  get(id: string): number;
  readonly size: number;
}

export function createIdSet(initialCapacity = 1 << 16): IdSet {
  let cap = 1;
  while (cap < initialCapacity) cap <<= 1;
  let table = new Uint32Array(cap * 2);
  let values = new Int32Array(cap);
  let size = 0;
  const slot = (t: Uint32Array, c: number, hi: number, lo: number): number => {
    let i = (Math.imul(hi ^ lo, 0x9e3779b1) >>> 0) & (c - 1);
    for (;;) {
      const h = t[i * 2]!;
      const l = t[i * 2 + 1]!;
      if ((h === 0 && l === 0) || (h === hi && l === lo)) return i;
      i = (i + 1) & (c - 1);
    }
  };
  const grow = () => {
    const old = table;
    const oldValues = values;
    const oldCap = cap;
    cap <<= 1;
    table = new Uint32Array(cap * 2);
    values = new Int32Array(cap);
    for (let i = 0; i < oldCap; i++) {
      const h = old[i * 2]!;
      const l = old[i * 2 + 1]!;
      if (h === 0 && l === 0) continue;
      const j = slot(table, cap, h, l);
      table[j * 2] = h;
      table[j * 2 + 1] = l;
      values[j] = oldValues[i]!;
    }
  };
  return {
    has(id) {
      const [hi, lo] = fingerprint(id);
      const i = slot(table, cap, hi, lo);
      return table[i * 2] === hi && table[i * 2 + 1] === lo;
    },
    get(id) {
      const [hi, lo] = fingerprint(id);
      const i = slot(table, cap, hi, lo);
      return table[i * 2] === hi && table[i * 2 + 1] === lo ? values[i]! : -1;
    },
    add(id, value = 0) {
      const [hi, lo] = fingerprint(id);
      const i = slot(table, cap, hi, lo);
      if (table[i * 2] === hi && table[i * 2 + 1] === lo) return false;
      table[i * 2] = hi;
      table[i * 2 + 1] = lo;
      values[i] = value;
      if (++size * 2 > cap) grow();
      return true;
    },
    get size() {
      return size;
    },
  };
}
