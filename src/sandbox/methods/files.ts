// Files upload v2: files.getUploadURLExternal, the POST of the bytes, files.completeUploadExternal.
import { z } from 'zod';
import { slackId } from '../ids.js';
import type { SandboxFile } from '../types.js';
import type { Workspace } from '../workspace.js';
import { count, invalidArguments, type Method, parseArgs, SlackApiError } from './method.js';

/** files.getUploadURLExternal refuses longer alt text with `alt_txt_too_large`. */
export const MAX_ALT_TXT = 1000;

/**
 * files.getUploadURLExternal (docs.slack.dev/reference/methods/files.getUploadURLExternal): the
 * screen-reader description is the argument `alt_txt`, at most 1,000 characters
 * (`alt_txt_too_large`). @slack/web-api 8's filesUploadV2 sends `alt_text` instead, which Slack
 * does not document; the sandbox refuses it as an unknown argument so that mistake shows up.
 */
export const getUploadURLExternal: Method = {
  token: 'bot',
  run({ args, workspace, baseUrl }) {
    if ('alt_text' in args)
      throw invalidArguments([
        '[ERROR] unknown argument alt_text; the screen-reader text is alt_txt [json-pointer:/alt_text]',
      ]);
    const a = parseArgs(
      z.object({
        filename: z.string().min(1),
        length: count,
        alt_txt: z.string().optional(),
      }),
      args,
    );
    if (a.alt_txt !== undefined && a.alt_txt.length > MAX_ALT_TXT)
      throw new SlackApiError('alt_txt_too_large');
    const id = slackId('F');
    workspace.uploads.set(id, {
      id,
      filename: a.filename,
      length: a.length,
      altText: a.alt_txt,
      content: undefined,
    });
    // Absolute, like Slack's https://files.slack.com/upload/v1/…; the WebClient posts to it as is.
    return { ok: true, upload_url: `${baseUrl}/upload/${id}`, file_id: id };
  },
};

function fileJson(workspace: Workspace, f: SandboxFile): Record<string, unknown> {
  const extension = f.filename.includes('.') ? (f.filename.split('.').pop() ?? '') : '';
  return {
    id: f.id,
    created: Math.floor(workspace.now() / 1000),
    name: f.filename,
    title: f.title ?? f.filename,
    filetype: extension,
    size: f.content.length,
    user: workspace.identity.botUserId,
    channels: f.channels.filter((c) => c.startsWith('C')),
    groups: f.channels.filter((c) => c.startsWith('G')),
    ims: f.channels.filter((c) => c.startsWith('D')),
    alt_txt: f.altText,
  };
}

/**
 * files.completeUploadExternal shares into a channel under the same rule as a message
 * (docs.slack.dev/reference/methods/files.completeUploadExternal, "Errors"): `no_permission`
 * ("make sure your app is a member of the conversation it's attempting to post a message to")
 * when the bot is not in the channel, and `invalid_channel` when the channel cannot be found. The
 * method lists no error for an archived channel; the sandbox answers `is_archived` there, as
 * chat.postMessage does.
 */
export const completeUploadExternal: Method = {
  token: 'bot',
  run({ args, workspace }) {
    const a = parseArgs(
      z.object({
        files: z.array(z.object({ id: z.string(), title: z.string().optional() })).min(1),
        channel_id: z.string().optional(),
        initial_comment: z.string().optional(),
        thread_ts: z.union([z.string(), z.number()]).transform(String).optional(),
      }),
      args,
    );
    const problems = a.files.flatMap((f, i) => {
      const upload = workspace.uploads.get(f.id);
      if (upload === undefined) return [`[ERROR] unknown file id ${f.id} [json-pointer:/files/${i}/id]`];
      if (upload.content === undefined)
        return [`[ERROR] file ${f.id} was never uploaded [json-pointer:/files/${i}/id]`];
      return [];
    });
    if (problems.length > 0) throw invalidArguments(problems);
    let channel: string | undefined;
    if (a.channel_id !== undefined && a.channel_id !== '') {
      const target = workspace.resolveConversation(a.channel_id, false);
      if (!target.ok)
        throw new SlackApiError(target.error === 'channel_not_found' ? 'invalid_channel' : target.error);
      const shared = target.channel;
      if (shared !== undefined) {
        if (shared.isPrivate && shared.appIsMember !== true) throw new SlackApiError('invalid_channel');
        if (shared.isArchived) throw new SlackApiError('is_archived');
        if (shared.appIsMember !== true) throw new SlackApiError('no_permission');
      }
      channel = target.channelId;
    }
    const files = a.files.map((f) => {
      const upload = workspace.uploads.get(f.id);
      if (upload?.content === undefined) throw new SlackApiError('internal_error');
      workspace.uploads.delete(f.id);
      const file: SandboxFile = {
        id: f.id,
        filename: upload.filename,
        content: upload.content,
        channels: channel === undefined ? [] : [channel],
        ...(f.title === undefined ? {} : { title: f.title }),
        ...(a.thread_ts === undefined ? {} : { threadTs: a.thread_ts }),
        ...(a.initial_comment === undefined ? {} : { initialComment: a.initial_comment }),
        ...(upload.altText === undefined ? {} : { altText: upload.altText }),
      };
      workspace.files.push(file);
      return file;
    });
    return { ok: true, files: files.map((f) => fileJson(workspace, f)) };
  },
};
