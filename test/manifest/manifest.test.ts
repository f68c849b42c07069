import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMMAND_NAME } from '../../src/slack/listeners/commands.js';

// Slack's published schema for v1 manifests, vendored in the repository (see its NOTE.md for the
// source and licence) so a fresh clone checks the manifest without anything beside it.
const SCHEMA = path.resolve(
  import.meta.dirname,
  '../../vendor/slack-manifest-schema/manifest.schema.1.0.0.json',
);
const manifest = parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../manifest.yml'), 'utf8'));

const validate = () => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  const check = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA, 'utf8')));
  return { ok: check(manifest) as boolean, errors: check.errors, check };
};

describe('manifest.yml', () => {
  it('is valid against Slack’s published manifest schema', () => {
    const { ok, errors } = validate();
    expect(errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('would be refused by the schema if it were wrong (the check can fail)', () => {
    const ajv = new Ajv({ strict: false });
    const check = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA, 'utf8')));
    expect(check({ ...manifest, display_information: { name: 'x'.repeat(36) } })).toBe(false);
    expect(
      check({
        ...manifest,
        features: { ...manifest.features, slash_commands: [{ command: 'tooth-tail', description: 'x' }] },
      }),
    ).toBe(false);
  });

  it('declares the surfaces the code serves', () => {
    expect(manifest.features.slash_commands).toEqual([
      expect.objectContaining({ command: COMMAND_NAME, should_escape: true }),
    ]);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual(
      [
        'app_home_opened',
        'app_uninstalled',
        'member_joined_channel',
        'subteam_members_changed',
        'subteam_updated',
        'tokens_revoked',
        'user_change',
      ].sort(),
    );
  });

  it('asks for the scopes of the Web API methods the app calls, and no others', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(
      [
        'channels:join',
        'channels:read',
        'chat:write',
        'commands',
        'files:write',
        'groups:read',
        'im:write',
        'users:read',
        'usergroups:read',
      ].sort(),
    );
  });
});
