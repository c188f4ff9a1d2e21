/** `npm run bench`: every benchmark, each beside the raw floor of the same libraries measured in the same run. */
import { runLiveLatency } from './live-latency.js';
import { CSV_TARGET_SECONDS, runFormatBenchmarks } from './formats.js';
import { printTable } from './board-processes.js';
import { runBrowserBenchmarks } from './browser.js';

const only = process.argv[2];
if (!only || only === 'live') {
  // One server process, then one per core: the fan-out to 100 sockets is the server's main cost.
  const rows = [...(await runLiveLatency(1)), ...(await runLiveLatency(2))];
  printTable('POST → socket event latency (workers and servers in separate processes, 100 clients)', rows);
}
if (!only || only === 'formats') {
  printTable(`Updates/s by input format, first POST → last update out of queued (separate processes; target: 10,000 CSV rows in under ${CSV_TARGET_SECONDS} s)`, await runFormatBenchmarks());
}
if (!only || only === 'browser') printTable('Board in headless Chromium (Debian chromium, playwright-core), each beside a floor measured in the same run', await runBrowserBenchmarks());
if (!only || only === 'notifications') printTable('Notifications: alert event → 100th webhook delivery, and POST → socket event latency beside the same board without subscriptions', await (await import('./notifications.js')).runNotificationBenchmark());
process.exit(0);
