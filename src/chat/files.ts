/**
 * The office's files of a round from the chat: buttons under /tonghop on a channel that
 * sends files (Telegram: the file itself), signed download links on one that cannot
 * (Zalo). The router lets only admins here; a link is made for the admin who asked.
 */
import { prepareArtifact, artifactBytes } from '../reports/artifacts.js';
import { pngSize } from '../reports/png.js';
import type { ChatRequest } from './context.js';
import { fileMessages as msg } from './messages.js';
import { onceRepeatable } from './once.js';
import { CHANNEL_CAPABILITIES, FILE_KINDS, say, type FileKind, type Option, type OutboundMessage, type Reply } from './port.js';

/** Telegram's Bot API takes uploads up to 50 MB. */
const MAX_UPLOAD_BYTES = 49 * 1024 * 1024;
/** Photos are shown at most 2,560 px on the long side; beyond, the chart is sent as a file to keep it readable. */
const MAX_PHOTO_HEIGHT = 2560;

function artifactDeps(request: ChatRequest) {
  const { db, forms, clock, letterhead, channels } = request.deps;
  return { db, forms, clock, letterhead: letterhead ?? {}, channels };
}

/**
 * The summary message with the files: the three buttons under it, or the three links
 * after it. On the same message, so the summary stays at most two messages.
 */
export function withFiles(request: ChatRequest, campaignId: string, text: string): OutboundMessage {
  if (CHANNEL_CAPABILITIES[request.event.channel].files) {
    const options: Option[][] = [
      FILE_KINDS.map((file) => ({ label: msg.button[file], action: { kind: 'file' as const, campaignId, file }, say: `/tonghop ${campaignId}`, unlisted: true })),
    ];
    return { text, options };
  }
  const { links, clock } = request.deps;
  if (!links) return { text: `${text}\n\n${msg.noLinks}`, options: [] };
  const now = clock.now().getTime();
  const admin = request.caller.user.identity;
  const items = FILE_KINDS.map((file) => ({ label: msg.button[file], url: links.url({ campaignId, file, admin }, now) }));
  return { text: `${text}\n\n${msg.links(items)}`, options: [] };
}

/** A button under /tonghop: the file itself, or a link where the channel cannot send it. */
export function fileAction(request: ChatRequest, campaignId: string, file: FileKind): Promise<Reply> {
  return onceRepeatable(request, async () => {
    const sendsFiles = CHANNEL_CAPABILITIES[request.event.channel].files;
    // A workbook of a national round takes seconds: the admin sees at once that it is coming.
    if (sendsFiles) request.working(msg.sending);
    const artifact = await prepareArtifact(artifactDeps(request), campaignId, file);
    if (!artifact) return say(msg.unknownRound);
    const caption = msg.caption[file](artifact.campaign.id, artifact.campaign.periodLabel);
    if (!sendsFiles) return { messages: [withFiles(request, artifact.campaign.id, caption)] };
    const data = await artifactBytes(artifact);
    if (data.length > MAX_UPLOAD_BYTES) {
      request.log.warn({ campaignId, file, bytes: data.length }, 'file too large to send in chat');
      return say(msg.tooLarge(artifact.campaign.id));
    }
    request.log.info({ campaignId, file, bytes: data.length }, 'file sent');
    // Telegram shrinks photos and refuses tall ones: a chart of many questions goes as a file.
    const as = file === 'png' && (pngSize(data)?.height ?? Infinity) <= MAX_PHOTO_HEIGHT ? 'photo' : 'document';
    return {
      messages: [{ text: caption, options: [], attachment: { fileName: artifact.fileName, contentType: artifact.contentType, data, as } }],
      pressed: 'keep',
    };
  });
}
