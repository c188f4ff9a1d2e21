import { Router } from 'express';
import type { ReferenceData } from '@pb/shared/node';
import { requireRole } from '../auth/authenticate.js';
import type { BoardReader } from '../board/read-board.js';
import { buildStatusCsv } from '../export/csv.js';
import { buildEdxlHave } from '../export/edxl-have.js';
import { buildCapFeed } from '../export/cap.js';
import { regionsForRead } from './board.js';

/** `GET /export.csv` and `GET /export/edxl-have.xml`: the current board for other systems. */
export function exportsRouter(deps: { reader: BoardReader; reference: ReferenceData }): Router {
  const router = Router();
  router.use(['/export.csv', '/export', '/alerts/cap.xml'], requireRole('director', 'admin'));

  router.get('/export.csv', async (req, res) => {
    const board = await deps.reader.snapshot(regionsForRead(req));
    const now = new Date(board.asOf);
    res
      .type('text/csv; charset=utf-8')
      .attachment(`pressure-board-${board.asOf.slice(0, 16).replace(':', '')}.csv`)
      .send(buildStatusCsv(board.sites, now));
  });

  router.get('/export/edxl-have.xml', async (req, res) => {
    const board = await deps.reader.snapshot(regionsForRead(req));
    res.type('application/xml; charset=utf-8').send(buildEdxlHave(board.sites, deps.reference.byCode, new Date(board.asOf)));
  });

  router.get('/alerts/cap.xml', async (req, res) => {
    const alerts = await deps.reader.alerts(regionsForRead(req));
    const sender = `${req.protocol}://${req.get('host') ?? 'pressure-board'}`;
    res.type('application/atom+xml; charset=utf-8').send(buildCapFeed(alerts, deps.reference.byCode, sender, new Date()));
  });

  return router;
}
