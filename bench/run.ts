/** `npm run bench`: every benchmark, each beside the raw floor of the same libraries measured in the same run. */
import { runLiveLatency } from './live-latency.js';
import { printTable } from './board-processes.js';
import { runBrowserBenchmarks } from './browser.js';

const only = process.argv[2];
if (!only || only === 'live') printTable('POST → socket event latency (server and workers in separate processes, 100 clients)', await runLiveLatency());
if (!only || only === 'browser') printTable('Board in headless Chromium (Debian chromium, playwright-core), each beside a floor measured in the same run', await runBrowserBenchmarks());
process.exit(0);
