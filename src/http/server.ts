/**
 * The process's one HTTP server: the webhooks (routes added as the channels start),
 * the download links, /metrics and the probes. It listens as soon as the database is
 * open, so an orchestrator sees the process alive during a slow start.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { registry } from '../metrics.js';
import { PORT_IN_USE_EXIT_CODE, StartupError } from '../startupError.js';
import { isFilesPath } from './files.js';
import { serverMessages } from './messages.js';

/** Where Zalo posts updates in webhook mode, under PUBLIC_URL. */
export const ZALO_WEBHOOK_PATH = '/zalo/webhook';
/** Where Telegram posts updates in webhook mode, under PUBLIC_URL. */
export const TELEGRAM_WEBHOOK_PATH = '/telegram/webhook';

export type Route = (req: IncomingMessage, res: ServerResponse) => void;

export interface Readiness {
  postgres: boolean;
  redis: boolean;
  /** The process has finished starting: its channels receive, its workers run. */
  started: boolean;
}

/**
 * The probes: /healthz says the process is alive (from the moment its database is open,
 * a slow start included); /readyz that it has started and Postgres and Redis answer (503
 * naming what is not so).
 */
async function probe(path: string, ready: () => Promise<Readiness>): Promise<{ status: number; body: object } | undefined> {
  if (path === '/healthz') return { status: 200, body: { ok: true } };
  if (path !== '/readyz') return undefined;
  const state = await ready();
  const ok = state.postgres && state.redis && state.started;
  return { status: ok ? 200 : 503, body: { ok, ...state } };
}

/** Webhook paths posted to before their route exists (a webhook left from before, while starting): 503, delivered again later. */
const WEBHOOK_PATHS = new Set([TELEGRAM_WEBHOOK_PATH, ZALO_WEBHOOK_PATH]);

export function startHttpServer(
  host: string,
  port: number,
  routes: Map<string, Route>,
  files: Route,
  ready: () => Promise<Readiness>,
): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    const route = routes.get(path);
    if (route && req.method === 'POST') return route(req, res);
    if (WEBHOOK_PATHS.has(path) && req.method === 'POST') return void res.writeHead(503).end();
    if (isFilesPath(path)) return files(req, res);
    if (path === '/metrics' && req.method === 'GET') {
      return void registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
    }
    void probe(path, ready).then((answer) => {
      if (!answer) return void res.writeHead(404).end();
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenProblem(host, port, error)));
    server.listen(port, host, () => resolve(server));
  });
}

/** The reasons an IT person meets (the port taken, a port below 1024 without the right, a host that is not this machine's), in one line. */
function listenProblem(host: string, port: number, error: NodeJS.ErrnoException): Error {
  const where = `${host}:${port} (HTTP_HOST, HTTP_PORT)`;
  switch (error.code) {
    case 'EADDRINUSE':
      return new StartupError(serverMessages.portInUse(where), { cause: error, exitCode: PORT_IN_USE_EXIT_CODE });
    case 'EACCES':
      return new StartupError(serverMessages.portForbidden(where), { cause: error });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
    case 'EADDRNOTAVAIL':
      return new StartupError(serverMessages.hostUnknown(host), { cause: error });
    default:
      return error;
  }
}
