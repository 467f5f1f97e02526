/**
 * Watches every outgoing connection of the test process and blocks those that leave the machine,
 * so an interop test proves the client under test talked to the simulator and nothing else.
 *
 * HTTP(S)_PROXY would not do: the official Qianfan SDK bundles node-fetch 2, which ignores proxy
 * variables. Node's diagnostics channels see every request whatever the library: node:http
 * requests (node-fetch, axios, ...) are destroyed before their socket resolves or connects, raw
 * net/tls sockets at DNS lookup or connect; undici (global fetch) requests are only recorded.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { ClientRequest, type OutgoingHttpHeaders } from 'node:http';
import { isIP, Socket } from 'node:net';

export interface OutboundRequest {
  method: string;
  /** `protocol//host[:port]path` as the client asked for it. */
  url: string;
  /** Lowercase names; array values joined with ", ". */
  headers: Record<string, string>;
}

export interface OutboundWatch {
  /** Requests to loopback addresses, in the order they were made. */
  readonly sent: OutboundRequest[];
  /** Attempts to reach anything else; each was stopped before a byte left. */
  readonly blocked: OutboundRequest[];
  clear(): void;
  stop(): void;
}

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  const v4 = bare.startsWith('::ffff:') ? bare.slice('::ffff:'.length) : bare;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

function headerText(headers: OutgoingHttpHeaders): Record<string, string> {
  const text: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) text[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return text;
}

function describeHttp(request: ClientRequest): OutboundRequest {
  const hostHeader = request.getHeader('host');
  const host = typeof hostHeader === 'string' && hostHeader.length > 0 ? hostHeader : request.host;
  return { method: request.method, url: `${request.protocol}//${host}${request.path}`, headers: headerText(request.getHeaders()) };
}

const HTTP_START = 'http.client.request.start';
const NET_SOCKET = 'net.client.socket';
const UNDICI_CREATE = 'undici:request:create';

export function watchOutboundRequests(): OutboundWatch {
  const sent: OutboundRequest[] = [];
  const blocked: OutboundRequest[] = [];

  const onHttp = (message: unknown): void => {
    if (typeof message !== 'object' || message === null || !('request' in message) || !(message.request instanceof ClientRequest)) return;
    const request = message.request;
    const seen = describeHttp(request);
    if (isLoopbackHost(request.host)) {
      sent.push(seen);
      return;
    }
    blocked.push(seen);
    request.destroy(new Error(`loopback guard: blocked ${seen.method} ${seen.url}`));
  };

  const refuseSocket = (socket: Socket, host: string): void => {
    blocked.push({ method: 'CONNECT', url: `tcp://${host}`, headers: {} });
    socket.destroy(new Error(`loopback guard: blocked a connection to ${host}`));
  };
  const onSocket = (message: unknown): void => {
    if (typeof message !== 'object' || message === null || !('socket' in message) || !(message.socket instanceof Socket)) return;
    const socket = message.socket;
    socket.once('lookup', (error: Error | null, _address: string, _family: number | null, host: string) => {
      if (error === null && !isLoopbackHost(host)) refuseSocket(socket, host);
    });
    socket.once('connect', () => {
      const remote = socket.remoteAddress;
      if (remote !== undefined && !isLoopbackHost(remote)) refuseSocket(socket, remote);
    });
  };

  const onUndici = (message: unknown): void => {
    if (typeof message !== 'object' || message === null || !('request' in message)) return;
    const request: unknown = message.request;
    if (typeof request !== 'object' || request === null || !('origin' in request) || typeof request.origin !== 'string') return;
    const path = 'path' in request && typeof request.path === 'string' ? request.path : '';
    const method = 'method' in request && typeof request.method === 'string' ? request.method : 'GET';
    const seen = { method, url: `${request.origin}${path}`, headers: {} };
    if (isLoopbackHost(new URL(request.origin).hostname)) sent.push(seen);
    else blocked.push(seen);
  };

  subscribe(HTTP_START, onHttp);
  subscribe(NET_SOCKET, onSocket);
  subscribe(UNDICI_CREATE, onUndici);
  return {
    sent,
    blocked,
    clear: () => {
      sent.length = 0;
      blocked.length = 0;
    },
    stop: () => {
      unsubscribe(HTTP_START, onHttp);
      unsubscribe(NET_SOCKET, onSocket);
      unsubscribe(UNDICI_CREATE, onUndici);
    },
  };
}
