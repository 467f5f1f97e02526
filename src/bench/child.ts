/**
 * Starts a benchmark server script in a child process (so it never shares the client's event
 * loop) and talks to it over IPC.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export interface ChildServer<Ready> {
  ready: Ready;
  request<Reply>(message: { type: string }): Promise<Reply>;
  close(): Promise<void>;
}

export async function startChild<Ready>(script: string, args: string[] = []): Promise<ChildServer<Ready>> {
  const child: ChildProcess = fork(fileURLToPath(new URL(script, import.meta.url)), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [ready] = (await once(child, 'message')) as [Ready];
  return {
    ready,
    async request<Reply>(message: { type: string }): Promise<Reply> {
      child.send(message);
      const [reply] = (await once(child, 'message')) as [Reply];
      return reply;
    },
    async close() {
      child.send({ type: 'close' });
      await once(child, 'exit');
    },
  };
}
