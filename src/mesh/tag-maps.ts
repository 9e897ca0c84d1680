// Tag maps as keys and as output. Object key order follows the user's input, so every tag map
// placed in the IR is rebuilt in ascending key order: equal tag sets then serialise and encode
// to identical bytes however they were written.
import type { Tags } from '../api/tags.js';
import { compareBytes } from '../core/byte-order.js';

/** The same tags with keys in ascending byte order. */
export function canonicalTags(tags: Tags): Tags {
  const out: Record<string, string> = {};
  for (const k of Object.keys(tags).sort(compareBytes)) out[k] = tags[k] as string;
  return out;
}

/** A canonical text of a tag map, usable as a map key: equal for equal tag sets. */
export function tagsKey(tags: Tags): string {
  return JSON.stringify(
    Object.keys(tags)
      .sort(compareBytes)
      .map((k) => [k, tags[k]]),
  );
}
