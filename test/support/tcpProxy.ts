/**
 * A TCP proxy in front of a server (Postgres) that a test can cut and restore: cut, it
 * drops every connection and refuses new ones, as a stopped server does; restored, it
 * listens on the same port again. Stalled, it keeps every connection open and passes
 * nothing either way, as a network that drops packets does, until it flows again.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  cut(): Promise<void>;
  restore(): Promise<void>;
  stall(): void;
  flow(): void;
  /** Connections open through the proxy now. */
  readonly connections: number;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  /** The client side of each connection through the proxy. */
  const clients = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  let stalled = false;
  /** What each side sent while stalled, passed on when it flows again. */
  const held = new Map<Socket, Buffer[]>();
  // Read always (a closed connection is seen even while stalled), pass on only while flowing.
  const forward = (from: Socket, to: Socket) => {
    from.on('data', (chunk: Buffer) => {
      if (stalled) held.set(to, [...(held.get(to) ?? []), chunk]);
      else to.write(chunk);
    });
  };
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer((client) => {
        const upstream = createConnection(target);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        clients.add(client);
        forward(client, upstream);
        forward(upstream, client);
        client.on('close', () => {
          clients.delete(client);
          upstream.destroy();
        });
        upstream.on('close', () => client.destroy());
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as { port: number }).port;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      if (!server) return resolve();
      server.close(() => resolve());
      server = undefined;
    });
  await listen();
  return {
    get port() {
      return port;
    },
    get connections() {
      return clients.size;
    },
    cut: stop,
    restore: listen,
    stall() {
      stalled = true;
    },
    flow() {
      stalled = false;
      for (const [to, chunks] of held) if (!to.destroyed) for (const chunk of chunks) to.write(chunk);
      held.clear();
    },
    close: stop,
  };
}
