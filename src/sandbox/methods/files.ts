// Files upload v2: files.getUploadURLExternal, the POST of the bytes, files.completeUploadExternal.
import { z } from 'zod';
import { slackId } from '../ids.js';
import type { SandboxFile } from '../types.js';
import type { Workspace } from '../workspace.js';
import { count, invalidArguments, type Method, parseArgs, SlackApiError } from './method.js';

export const getUploadURLExternal: Method = {
  token: 'bot',
  run({ args, workspace, baseUrl }) {
    const a = parseArgs(
      z.object({
        filename: z.string().min(1),
        length: count,
        // Slack's argument is `alt_txt`; @slack/web-api 8 sends `alt_text` (fetchAllUploadURLExternal).
        alt_txt: z.string().optional(),
        alt_text: z.string().optional(),
      }),
      args,
    );
    const id = slackId('F');
    workspace.uploads.set(id, {
      id,
      filename: a.filename,
      length: a.length,
      altText: a.alt_txt ?? a.alt_text,
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
      if (!target.ok) throw new SlackApiError(target.error);
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
