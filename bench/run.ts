/** `npm run bench`: every benchmark, each beside the raw floor of the same libraries measured in the same run. */
import { runLiveLatency } from './live-latency.js';
import { runLiveBreakdown } from './live-breakdown.js';
import { READINESS_TARGET_MS, runIngestReadiness } from './ingest-readiness.js';
import { ARRAYS_TARGET_PER_SECOND, CSV_TARGET_SECONDS, ONE_SITE_TARGET_PER_SECOND, runFormatBenchmarks } from './formats.js';
import { printTable } from './board-processes.js';
import { runBrowserBenchmarks } from './browser.js';

const only = process.argv[2];
if (!only || only === 'live') {
  // Profile first: where one update's CPU and Redis work go, end to end.
  const breakdown = await runLiveBreakdown();
  printTable('One update end to end: CPU by part of the path (V8 profiles of the server and worker processes)', breakdown.cpu);
  printTable('Redis commands per update', breakdown.redis);
  printTable('Per update, in sum', breakdown.summary);
  // One server process, then one per core: the fan-out to 100 sockets is the server's main cost.
  const rows = [...(await runLiveLatency(1)), ...(await runLiveLatency(2))];
  printTable('POST → socket event latency (workers and servers in separate processes, 100 clients)', rows);
}
if (!only || only === 'ingest') {
  printTable(`Readiness while 5 MB bodies of every content type are posted (target p99 ≤ ${READINESS_TARGET_MS} ms)`, await runIngestReadiness());
}
if (!only || only === 'formats') {
  printTable(`Updates/s by input format, first POST → last update out of queued (separate processes; targets: arrays ≥ ${ARRAYS_TARGET_PER_SECOND}/s, one site ≥ ${ONE_SITE_TARGET_PER_SECOND}/s, 10,000 CSV rows in under ${CSV_TARGET_SECONDS} s)`, await runFormatBenchmarks());
}
if (!only || only === 'browser') printTable('Board in headless Chromium (Debian chromium, playwright-core), each beside a floor measured in the same run', await runBrowserBenchmarks());
if (!only || only === 'notifications') printTable('Notifications: alert event → 100th webhook delivery, and POST → socket event latency beside the same board without subscriptions', await (await import('./notifications.js')).runNotificationBenchmark());
if (only === 'screens') {
  const screens = await (await import('./screens.js')).runScreensBenchmark();
  printTable('Screens: one event fanned out to many boards beside a bare socket.io server broadcasting the same event to as many clients (BENCH_SCREENS, default 10,000, in 2 client processes)', screens.fanOut);
  printTable('Screens: sustained event rate, board beside bare socket.io, each rate for BENCH_RATE_SECONDS (default 10) until one is not kept up (BENCH_RATES)', screens.rates);
  printTable('Screens: the highest sustained event rate every board kept up with', screens.rateSummary);
}
if (only === 'storm') printTable('Reconnect storm: server SIGKILLed and restarted with every screen connected; time from ready until all are resubscribed with since and equal to GET /board (target < 5 s)', await (await import('./storm.js')).runStormBenchmark());
if (only === 'storm2') printTable('Reconnect storm behind one port: 2 server processes behind the benchmark\'s proxy (websocket-only screens, no stickiness), one SIGKILLed and restarted; time until all are resubscribed with since and equal to GET /board (BENCH_STORM_SCREENS, default 20,000; target < 5 s after ready)', await (await import('./storm.js')).runStormBehindProxyBenchmark());
if (only === 'soak') printTable('Soak: 50 updates/s with 1,000 screens for BENCH_SOAK_MINUTES (default 60): RSS of server, workers and Redis, every key family, each screen\'s last seq', await (await import('./soak.js')).runSoakBenchmark());
process.exit(0);
