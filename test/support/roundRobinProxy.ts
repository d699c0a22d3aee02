/**
 * An HTTP load balancer in front of web replicas, for tests and the load bench: each
 * request goes to the next replica in turn; one that does not answer is skipped (as a
 * health-checked balancer would), and with none left the request gets 502.
 */
import { createServer, request, type Server } from 'node:http';

/** Round-robin over the web replicas that answer; a dead one is skipped, as a load balancer's health check would. */
export function startRoundRobinProxy(ports: () => number[]): Promise<Server> {
  let next = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const candidates = ports();
      const attempt = (tries: number) => {
        if (tries >= candidates.length) return void res.writeHead(502).end();
        const port = candidates[next++ % candidates.length]!;
        const forward = request({ host: '127.0.0.1', port, path: req.url, method: req.method, headers: req.headers }, (upstream) => {
          res.writeHead(upstream.statusCode ?? 502, upstream.headers);
          upstream.pipe(res);
        });
        forward.on('error', () => attempt(tries + 1));
        forward.end(body);
      };
      attempt(0);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

