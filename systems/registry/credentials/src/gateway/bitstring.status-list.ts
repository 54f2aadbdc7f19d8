import { Bitstring } from '@digitalbazaar/bitstring';
import { STATUS_LIST_LENGTH } from '../entity/credential/credential.js';

/**
 * Encodes a Bitstring Status List v1.0 `encodedList`: `length` bits (index 0 = the left-most bit
 * of the first byte), the `set` indexes on; GZIP-compressed, base64url, with the multibase `u`
 * prefix (spec §2.1 and §3.2).
 */
export async function encodeStatusList(set: Iterable<number>, length = STATUS_LIST_LENGTH): Promise<string> {
  const bits = new Bitstring({ length });
  for (const index of set) bits.set(index, true);
  return `u${await bits.encodeBits()}`;
}

/** Reads bit `index` of an `encodedList` (multibase `u` + base64url GZIP). */
export async function statusBitOf(encodedList: string, index: number): Promise<boolean> {
  const encoded = encodedList.startsWith('u') ? encodedList.slice(1) : encodedList;
  const buffer = await Bitstring.decodeBits({ encoded });
  return new Bitstring({ buffer }).get(index);
}
