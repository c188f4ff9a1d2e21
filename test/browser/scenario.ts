/**
 * A busy winter's day on the board, for layout tests and the README screenshots: every
 * site reports, a few declare incidents, some divert or close, and the alerts that
 * follow outnumber what the alert area shows at once.
 */
import type { Site } from '@pb/shared';
import { api, reference, waitForUpdate, type TestBoard } from '../support/test-board.js';

/** A deterministic pseudo-random sequence, so every run draws the same board. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Another site of the same region, for a diversion. */
function neighbour(site: Site, random: () => number): Site {
  const candidates = reference.sites.filter((other) => other.region === site.region && other.code !== site.code);
  return candidates[Math.floor(random() * candidates.length)]!;
}

/**
 * Posts the scenario as one JSON array and waits until every update has applied.
 * Returns the codes of the sites with an incident, diversion or closure.
 */
export async function seedBusyBoard(board: Pick<TestBoard, 'url' | 'adminKey'>): Promise<{ loud: string[] }> {
  const random = seeded(20260112);
  const now = Date.now();
  const updates: Record<string, unknown>[] = [];
  const loud: string[] = [];
  reference.sites.forEach((site, index) => {
    const roll = random();
    const opel = roll < 0.2 ? 1 : roll < 0.55 ? 2 : roll < 0.85 ? 3 : 4;
    const update: Record<string, unknown> = {
      site: site.code,
      observedAt: new Date(now - Math.floor(random() * 90) * 60_000).toISOString(),
      opel,
      metrics: { handoverMeanMin: Math.round(20 + random() * 120), longestWaitHours: Math.round(4 + random() * 30), gaOccupancyPct: Math.round(880 + random() * 150) / 10 },
    };
    if (index % 23 === 5) {
      update.incident = { level: index % 46 === 5 ? 'major' : 'critical', reason: 'demand' };
      loud.push(site.code);
    } else if (index % 17 === 3) {
      update.ed = { status: index % 34 === 3 ? 'closed' : 'divert', divertTo: [neighbour(site, random).code], reason: 'no cubicles' };
      loud.push(site.code);
    }
    if (index % 29 === 0) update.note = 'Escalation call at 14:00; mutual aid requested from neighbouring trusts.';
    updates.push(update);
  });
  const response = await api(board.url, board.adminKey, 'POST', '/updates', updates);
  if (response.status !== 202) throw new Error(`the scenario was refused: ${JSON.stringify(response.body)}`);
  for (const { id } of response.body.updates as { id: string }[]) await waitForUpdate(board, id, 60_000);
  return { loud };
}

/**
 * A few live changes after a page has opened, so its change feed has something to show:
 * `count` updates, one at a time, each waited for.
 */
export async function postLiveChanges(board: Pick<TestBoard, 'url' | 'adminKey'>, count: number): Promise<void> {
  const random = seeded(Date.now());
  for (let i = 0; i < count; i++) {
    const site = reference.sites[Math.floor(random() * reference.sites.length)]!;
    const update: Record<string, unknown> = { site: site.code, opel: 1 + Math.floor(random() * 3), metrics: { handoverMeanMin: Math.round(20 + random() * 120) } };
    if (i === 2) update.note = 'Extra ambulance handover staff from 16:00.';
    const response = await api(board.url, board.adminKey, 'POST', '/updates', update);
    if (response.status !== 202) throw new Error(`a live change was refused: ${JSON.stringify(response.body)}`);
    await waitForUpdate(board, response.body.updates[0].id);
  }
}
