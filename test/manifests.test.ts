import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import AdmZip from 'adm-zip';
import { AppManifestUtils } from '@microsoft/app-manifest';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/core/bot.js';

const read = (file: string) => JSON.parse(readFileSync(join(PROJECT_ROOT, file), 'utf8'));
const manifest = read('manifest.json');

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): [number, number] {
  const png = readFileSync(join(PROJECT_ROOT, file));
  expect(png.subarray(1, 4).toString()).toBe('PNG');
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

describe('Teams app manifest', () => {
  it('is valid against the schema it names, shipped with @microsoft/app-manifest (no download)', async () => {
    const version = /teams\/(v[\d.]+)\//.exec(manifest.$schema)![1]!;
    const require = createRequire(import.meta.url);
    const schemaPath = join(require.resolve('@microsoft/app-manifest').replace(/build\/.*$/, 'build'), 'json-schemas', 'teams', version, 'MicrosoftTeams.schema.json');
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
    const errors = await AppManifestUtils.validateAgainstSchema(manifest, schema);
    expect(errors).toEqual([]);
    const broken = { ...manifest, id: 'not-a-guid', accentColor: 'blue' };
    expect((await AppManifestUtils.validateAgainstSchema(broken, schema)).length).toBeGreaterThan(0);
  });

  it('has a bot in personal and team scope with example commands, and icons of the required sizes', () => {
    expect(manifest.bots[0].scopes).toEqual(expect.arrayContaining(['personal', 'team']));
    expect(manifest.bots[0].commandLists[0].commands.length).toBeGreaterThanOrEqual(3);
    expect(pngSize(manifest.icons.color)).toEqual([192, 192]);
    expect(pngSize(manifest.icons.outline)).toEqual([32, 32]);
  });

  describe('npm run package:teams', () => {
    const out = mkdtempSync(join(tmpdir(), 'npr-teams-package-'));
    afterAll(() => rmSync(out, { recursive: true, force: true }));
    const packageTeams = (appId: string, ...args: string[]) =>
      spawnSync('npm', ['run', '--silent', 'package:teams', '--', ...args], { cwd: PROJECT_ROOT, encoding: 'utf8', env: { ...process.env, MicrosoftAppId: appId } });

    it('writes a zip with the manifest, validated, and both icons', () => {
      const result = packageTeams('11111111-2222-3333-4444-555555555555', '--out', join(out, 'npr-bot-teams.zip'));
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout.trim()).toBe(join(out, 'npr-bot-teams.zip'));
      const zip = new AdmZip(result.stdout.trim());
      expect(zip.getEntries().map((e) => e.entryName).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
      expect(JSON.parse(zip.readAsText('manifest.json')).bots[0].botId).toBe('11111111-2222-3333-4444-555555555555');
    });

    it('fails with one line, writing nothing, on a MicrosoftAppId that is not a GUID', () => {
      const result = packageTeams('my-bot', '--out', join(out, 'bad-id.zip'));
      expect(result.status).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^MicrosoftAppId must be a GUID/)]);
      expect(result.stderr).not.toContain('my-bot');
      expect(existsSync(join(out, 'bad-id.zip'))).toBe(false);
    });

    it('fails with one line, writing nothing, on a manifest the Teams schema refuses', () => {
      const broken = join(out, 'broken');
      mkdirSync(broken);
      writeFileSync(join(broken, 'manifest.json'), JSON.stringify({ ...manifest, accentColor: 'blue' }));
      for (const icon of ['color.png', 'outline.png']) copyFileSync(join(PROJECT_ROOT, icon), join(broken, icon));
      const result = packageTeams('11111111-2222-3333-4444-555555555555', '--manifest', join(broken, 'manifest.json'), '--out', join(out, 'broken.zip'));
      expect(result.status).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/does not validate against the Teams schema v1\.\d+: \/accentColor must match pattern/)]);
      expect(existsSync(join(out, 'broken.zip'))).toBe(false);
    });
  });
});

describe('Slack app manifest', () => {
  const slack = read('slack-manifest.json');
  it('subscribes to the events and grants the scopes the Slack channel handles', () => {
    expect(slack.settings.event_subscriptions.bot_events.sort()).toEqual(['app_home_opened', 'app_mention', 'message.channels', 'message.groups', 'message.im']);
    expect(slack.oauth_config.scopes.bot).toEqual(expect.arrayContaining(['app_mentions:read', 'chat:write', 'commands', 'im:history']));
    expect(slack.features.slash_commands[0].command).toBe('/npr');
    expect(slack.features.app_home.home_tab_enabled).toBe(true);
    expect(slack.settings.interactivity.is_enabled).toBe(true);
    expect(typeof slack.settings.socket_mode_enabled).toBe('boolean');
  });
});
