/** What a live client does with an event, given the last seq it has shown. */
export type SeqDecision = 'apply' | 'duplicate' | 'gap';

/**
 * What to do with an event numbered `seq` when `lastSeq` is the last one shown (SPEC §5):
 * seqs are global and gap-free, so on an unfiltered subscription anything beyond the
 * next number means events were missed (subscribe again with `since`); a region-filtered
 * one (asked for, or the key's own regions) legitimately skips numbers, so it only drops
 * what it has already shown. `lastSeq` is null (or negative) before the first snapshot
 * or event. Used by the board and the command line's `tail`.
 *
 * @example sequenceDecision(10, 12, false) // 'gap'
 */
export function sequenceDecision(lastSeq: number | null, seq: number, filtered: boolean): SeqDecision {
  if (lastSeq === null || lastSeq < 0) return 'apply';
  if (seq <= lastSeq) return 'duplicate';
  if (!filtered && seq > lastSeq + 1) return 'gap';
  return 'apply';
}
