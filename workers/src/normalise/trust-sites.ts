import type { Site } from '@pb/shared';
import type { ReferenceData, TrustMerger } from '@pb/shared/node';

/** The sites a trust code stood for on a day, or why it stood for none. */
export type TrustSites = { ok: true; sites: Site[] } | { ok: false; message: string };

/**
 * The reference sites a row naming trust `code` on `day` (UK date, `YYYY-MM-DD`) is about
 * (SPEC §10). Sitreps carry the trust codes of their day:
 * - a trust that has since merged into another (`RVY`, now part of `RBN`) stands for the
 *   sites that belonged to it (`RVY01`, `RVY02`), not for every site of the merged trust;
 * - a trust that took others over stands, on a day before the merger, only for the sites it
 *   already ran (`RBN` in 2022 is Whiston, not Southport and Ormskirk).
 *
 * @example
 * sitesOfTrustOn('RVY', '2022-12-19', reference) // → RVY01, RVY02
 * sitesOfTrustOn('RBN', '2022-12-19', reference) // → RBN01
 * sitesOfTrustOn('RBN', '2024-01-08', reference) // → RBN01, RVY01, RVY02
 */
export function sitesOfTrustOn(code: string, day: string, reference: ReferenceData): TrustSites {
  const current = reference.byTrust.get(code);
  if (!current) {
    const mergers = reference.trustMergers.filter((merger) => merger.legacyTrust === code);
    if (mergers.length === 0) return { ok: false, message: `trust ${code} has no sites in the reference data` };
    const codes = [...new Set(mergers.flatMap((merger) => merger.sites))];
    if (codes.length === 0) return { ok: false, message: `trust ${code} (merged into ${describe(mergers)}) ran none of the reference sites` };
    return { ok: true, sites: codes.map((site) => reference.byCode.get(site)).filter((site): site is Site => site !== undefined) };
  }
  // Sites that came from a trust merged in after `day` were not yet this trust's.
  const later = reference.trustMergers.filter((merger) => merger.successorTrust === code && merger.mergedOn > day);
  const notYet = new Set(later.flatMap((merger) => merger.sites));
  const sites = current.filter((site) => !notYet.has(site.code));
  if (sites.length === 0) {
    const from = later.map((merger) => `${merger.legacyTrust} on ${merger.mergedOn}`).join(', ');
    return { ok: false, message: `trust ${code} ran none of the reference sites on ${day}: its sites came to it later (${from})` };
  }
  return { ok: true, sites };
}

function describe(mergers: TrustMerger[]): string {
  return mergers.map((merger) => `${merger.successorTrust} on ${merger.mergedOn}`).join(' and ');
}
