/** SPEC §11: rejected and failed jobs keep at most this much of their raw input. */
export const INPUT_EXCERPT_BYTES = 4096;

const ELLIPSIS = '…';
const ELLIPSIS_BYTES = Buffer.byteLength(ELLIPSIS);

/**
 * A readable excerpt of raw input, at most INPUT_EXCERPT_BYTES of UTF-8, ending in
 * "…" when cut (never inside a character). Strings are kept as they are; anything
 * else as JSON.
 */
export function inputExcerpt(input: unknown, maxBytes = INPUT_EXCERPT_BYTES): string {
  const text = typeof input === 'string' ? input : (safeJson(input) ?? String(input));
  // Four bytes at most per UTF-16 unit pair: a prefix this long always holds enough.
  const prefix = text.length > maxBytes ? text.slice(0, maxBytes) : text;
  const bytes = Buffer.from(prefix, 'utf8');
  if (bytes.length <= maxBytes && prefix.length === text.length) return text;
  let end = maxBytes - ELLIPSIS_BYTES;
  // Step back over continuation bytes (10xxxxxx) to the start of a character.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8') + ELLIPSIS;
}

/** The raw input of a job's updates, as one text: CSV rows as lines, other bodies one per line. */
export function batchInputExcerpt(batch: { header?: unknown; items?: unknown }): string {
  const items = Array.isArray(batch.items) ? batch.items : [];
  const lines: string[] = [];
  if (Array.isArray(batch.header)) lines.push(batch.header.join(','));
  let length = 0;
  for (const item of items) {
    if (length > INPUT_EXCERPT_BYTES) break;
    const body: unknown = item && typeof item === 'object' && 'body' in item ? item.body : item;
    const line = Array.isArray(body) && body.every((cell) => typeof cell === 'string') ? body.join(',') : inputExcerpt(body);
    lines.push(line);
    length += line.length + 1;
  }
  return inputExcerpt(lines.join('\n'));
}

function safeJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}
