import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DerogationEvent } from '@pb/shared';
import { api, connectBoard, createKey, startTestBoard, subscribe, type TestBoard } from '../support/test-board.js';

describe('strike-time derogation requests', () => {
  let board: TestBoard;
  let trustKey: string;
  let directorKey: string;
  let displayKey: string;

  beforeAll(async () => {
    board = await startTestBoard({}, { workers: false });
    trustKey = await createKey(board, { role: 'trust', label: 'Portsmouth EPRR', trusts: ['RHU'] });
    directorKey = await createKey(board, { role: 'director', label: 'SE director', regions: ['Y59'] });
    displayKey = await createKey(board, { role: 'display', label: 'Wall' });
  });
  afterAll(() => board.close());

  it('moves a request through its states, publishing each change, and rolls it up per region', async () => {
    const socket = await connectBoard(board.url, displayKey);
    const events: DerogationEvent[] = [];
    socket.on('derogation', (event) => events.push(event));
    await subscribe(socket);

    const created = await api(board.url, trustKey, 'POST', '/derogations', { site: 'rhu03', service: 'A&E', staffRequested: '4 registrars, nights 9–11 Jan' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ site: 'RHU03', region: 'Y59', state: 'submitted', createdBy: 'Portsmouth EPRR' });
    const id = created.body.id;

    expect((await api(board.url, directorKey, 'PATCH', `/derogations/${id}`, { state: 'under_review' })).status).toBe(200);
    const declined = await api(board.url, directorKey, 'PATCH', `/derogations/${id}`, { state: 'declined', note: 'cover found' });
    expect(declined.body).toMatchObject({ state: 'declined' });
    expect(declined.body.history.map((h: { state: string }) => h.state)).toEqual(['submitted', 'under_review', 'declined']);

    const final = await api(board.url, directorKey, 'PATCH', `/derogations/${id}`, { state: 'approved' });
    expect(final.status).toBe(409);
    expect(final.body.error.message).toContain('final');

    const second = await api(board.url, trustKey, 'POST', '/derogations', { site: 'RHU03', service: 'ICU', staffRequested: '2 nurses' });
    expect((await api(board.url, directorKey, 'PATCH', `/derogations/${second.body.id}`, { state: 'under_review' })).status).toBe(200);
    expect((await api(board.url, directorKey, 'PATCH', `/derogations/${second.body.id}`, { state: 'approved', decisionRef: 'BMA-2026-0117' })).status).toBe(200);

    const list = await api(board.url, directorKey, 'GET', '/derogations');
    expect(list.body.derogations).toHaveLength(2);
    expect(list.body.summary.Y59).toMatchObject({ total: 2, approved: 1, declined: 1 });
    expect(list.body.summary.ENG).toMatchObject({ total: 2 });

    await expect.poll(() => events.length).toBe(6);
    const seqs = events.map((event) => event.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(events.at(-1)!.derogation).toMatchObject({ id: second.body.id, state: 'approved' });
    socket.disconnect();
  });

  it('records decisions by directors (in their regions) and admins only; a trust may only withdraw its own (SPEC §13)', async () => {
    const londonDirectorKey = await createKey(board, { role: 'director', label: 'London director', regions: ['Y56'] });
    const created = await api(board.url, trustKey, 'POST', '/derogations', { site: 'RHU03', service: 'Maternity', staffRequested: '3 midwives' });
    expect(created.status).toBe(201);
    const path = `/derogations/${created.body.id}`;

    // The trust cannot record any decision, whatever the state; the message says what it may do.
    for (const state of ['under_review', 'approved', 'declined', 'revoked']) {
      const byTrust = await api(board.url, trustKey, 'PATCH', path, { state });
      expect({ state, status: byTrust.status }).toEqual({ state, status: 403 });
      expect(byTrust.body.error.message).toContain('withdrawn');
    }
    // Directors outside the region and display keys are refused; nothing changed.
    expect((await api(board.url, londonDirectorKey, 'PATCH', path, { state: 'under_review' })).status).toBe(403);
    expect((await api(board.url, displayKey, 'PATCH', path, { state: 'under_review' })).status).toBe(403);
    // A director may not withdraw the trust's request.
    expect((await api(board.url, directorKey, 'PATCH', path, { state: 'withdrawn' })).status).toBe(403);

    // Skipping review is not allowed from submitted: 409 naming the next state.
    const skipped = await api(board.url, directorKey, 'PATCH', path, { state: 'approved' });
    expect(skipped.status).toBe(409);
    expect(skipped.body.error.message).toContain('under_review');

    const tooLong = await api(board.url, directorKey, 'PATCH', path, { state: 'under_review', decisionRef: 'x'.repeat(101) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.details.map((d: { path: string }) => d.path)).toEqual(['decisionRef']);
    const refOnWithdraw = await api(board.url, trustKey, 'PATCH', path, { state: 'withdrawn', decisionRef: 'BMA-1' });
    expect(refOnWithdraw.status).toBe(400);
    expect(refOnWithdraw.body.error.details.map((d: { path: string }) => d.path)).toEqual(['decisionRef']);
    expect((await api(board.url, directorKey, 'GET', '/derogations')).body.derogations.find((d: { id: string }) => d.id === created.body.id).state).toBe('submitted');

    expect((await api(board.url, directorKey, 'PATCH', path, { state: 'under_review' })).status).toBe(200);
    const approved = await api(board.url, board.adminKey, 'PATCH', path, { state: 'approved', decisionRef: 'BMA-2026-0042', note: 'agreed by BMA' });
    expect(approved.status).toBe(200);
    expect(approved.body.history.at(-1)).toMatchObject({ state: 'approved', decisionRef: 'BMA-2026-0042', note: 'agreed by BMA' });

    // The trust withdraws its own approved request; then it is final for everyone.
    expect((await api(board.url, trustKey, 'PATCH', path, { state: 'withdrawn' })).status).toBe(200);
    const afterFinal = await api(board.url, directorKey, 'PATCH', path, { state: 'revoked' });
    expect(afterFinal.status).toBe(409);
    expect(afterFinal.body.error.message).toContain('final');
  });

  it('refuses other trusts, display keys and bad bodies with clear errors', async () => {
    const otherSite = await api(board.url, trustKey, 'POST', '/derogations', { site: 'RTH08', service: 'A&E', staffRequested: '1' });
    expect(otherSite.status).toBe(403);
    expect((await api(board.url, displayKey, 'POST', '/derogations', { site: 'RHU03', service: 'A&E', staffRequested: '1' })).status).toBe(403);
    const invalid = await api(board.url, trustKey, 'POST', '/derogations', { site: 'RHU03', service: '', extra: 1 });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['extra', 'service', 'staffRequested']);
    expect((await api(board.url, trustKey, 'POST', '/derogations', { site: 'ZZZ99', service: 'A&E', staffRequested: '1' })).status).toBe(422);
    expect((await api(board.url, trustKey, 'PATCH', '/derogations/d_nope', { state: 'withdrawn' })).status).toBe(404);
  });
});
