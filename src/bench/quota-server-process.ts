/**
 * The independent quota server (quota-server.ts) in a child process for benchmarks, so its
 * books are kept on an event loop the client does not share. Sends `{url}` when listening and
 * answers `counters` with its refusal and arrival counts.
 */
import { startQuotaServer, type QuotaServerOptions } from './quota-server.js';

const options = JSON.parse(process.argv[2] ?? '{}') as QuotaServerOptions;
const server = await startQuotaServer(options);
process.send?.({ type: 'ready', url: server.url });
process.on('message', (message: { type: string }) => {
  if (message.type === 'counters') {
    process.send?.({ type: 'counters', throttled: server.refused, chatRequests: server.arrivals.length });
  } else if (message.type === 'close') {
    void server.close().then(() => process.exit(0));
  }
});
