/**
 * A TCP port on 127.0.0.1 that was free a moment ago, for a server that must name its
 * port before it starts (the demo's download links, a test's processes). Another program
 * may still take it meanwhile: such a start is refused and tried again by its caller.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Ports handed out by this process: the kernel may hand a port just closed out again, and two starts must not get the same one. */
const handedOut = new Set<number>();

export async function freePort(): Promise<number> {
  for (;;) {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
}
