/** `npm run bench`: every benchmark, each beside the raw floor of the same libraries measured in the same run. */
import { runLiveLatency } from './live-latency.js';
import { printTable } from './board-processes.js';

const only = process.argv[2];
if (!only || only === 'live') printTable('POST → socket event latency (server and workers in separate processes, 100 clients)', await runLiveLatency());
process.exit(0);
