/**
 * GET /files/<signed link>: the office's files for channels that cannot send them. The
 * link is checked (signature, expiry) and so is the admin it was made for: someone
 * who is no longer an admin cannot use a link they were given. Built on demand and
 * streamed, never stored.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Identity } from '../chat/port.js';
import type { Logger } from '../logger.js';
import { WorkbookAbandonedError } from '../reports/abandoned.js';
import { prepareArtifact, type ArtifactDeps } from '../reports/artifacts.js';
import { FILES_PATH, verifyLink } from '../reports/links.js';
import { isAdminNow } from '../services/people.js';
import { httpMessages as msg } from './messages.js';

export interface FilesRouteDeps extends ArtifactDeps {
  secret: string;
  adminIds: readonly Identity[];
  logger: Logger;
}

function refuse(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end(text);
}

/** RFC 6266: an ASCII fallback and the UTF-8 name. */
function attachment(fileName: string): string {
  return `attachment; filename="${fileName.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export function isFilesPath(path: string): boolean {
  return path.startsWith(FILES_PATH);
}

/** The route; it never rejects: every failure is answered (403, 404, 500) and logged. */
export function filesRoute(deps: FilesRouteDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    // Once the link is read, its round and file go into every line about the download.
    const context = { log: deps.logger };
    serve(deps, req, res, context).catch((err: unknown) => {
      if (err instanceof WorkbookAbandonedError) return void context.log.info('file download cancelled');
      context.log.error({ err }, 'file download failed');
      if (!res.headersSent) refuse(res, 500, msg.failed);
      else res.destroy();
    });
  };
}

async function serve(deps: FilesRouteDeps, req: IncomingMessage, res: ServerResponse, context: { log: Logger }): Promise<void> {
  const path = (req.url ?? '').split('?')[0]!;
  if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, msg.methodNotAllowed);
  // The token's alphabet is URL-safe: it is taken as sent, never decoded (a malformed escape must not throw).
  const check = verifyLink(deps.secret, path.slice(FILES_PATH.length), deps.clock.now().getTime());
  // The token is a credential: only the reason is logged.
  if (!check.ok) {
    deps.logger.warn({ reason: check.reason }, 'file link refused');
    return refuse(res, 403, check.reason === 'expired' ? msg.expired : msg.invalid);
  }
  const { campaignId, file, admin } = check.claims;
  context.log = deps.logger.child({ campaignId, file });
  if (!(await isAdminNow(deps.db, admin, deps.adminIds))) {
    deps.logger.warn({ channel: admin.channel }, 'file link of an account that is no longer an admin');
    return refuse(res, 403, msg.notAdmin);
  }
  const artifact = await prepareArtifact(deps, campaignId, file);
  if (!artifact) return refuse(res, 404, msg.unknownRound);
  res.writeHead(200, { 'content-type': artifact.contentType, 'content-disposition': attachment(artifact.fileName), 'cache-control': 'private, no-store' });
  if (req.method === 'HEAD') return void res.end();
  await artifact.write(res);
  deps.logger.info({ campaignId, file, channel: admin.channel }, 'file downloaded');
}
