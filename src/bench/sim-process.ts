/**
 * The simulator in a child process for benchmarks, so the server and the client under test do
 * not share one event loop. Speaks over IPC: it sends `{url, credentials}` when listening; it
 * answers `stats` with (and clears) the first-chunk delays it measured on its own clock, and
 * `counters` with its throttle and request counts.
 */
import { startSimulator, type SimOptions } from '../sim/index.js';

const options = JSON.parse(process.argv[2] ?? '{}') as SimOptions;
const sim = await startSimulator(options);
process.send?.({ type: 'ready', url: sim.url, credentials: sim.credentials });
process.on('message', (message: { type: string }) => {
  if (message.type === 'stats') {
    process.send?.({ type: 'stats', firstChunkDelaysMs: sim.stats.firstChunkDelaysMs.splice(0) });
  } else if (message.type === 'counters') {
    process.send?.({ type: 'counters', throttled: sim.stats.throttled, chatRequests: sim.stats.chatRequests });
  } else if (message.type === 'close') {
    void sim.close().then(() => process.exit(0));
  }
});
