/**
 * `npm run package:teams`: writes dist/npr-bot-teams.zip (manifest.json and the two icons) to
 * upload in Teams. The bot id is MicrosoftAppId from the environment or .env. The manifest is
 * checked against the Teams schema it names before anything is written.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import AdmZip from 'adm-zip';
import { PROJECT_ROOT } from '../core/bot.js';
import { command } from './cli-util.js';

const HELP = `npm run package:teams -- [--out FILE] [--manifest FILE]

Writes the Teams app package (manifest.json with the bot id set from MicrosoftAppId, and the two
icons) and prints its path. The manifest is validated against the Teams schema it names
(shipped with @microsoft/app-manifest, a development dependency: run npm ci first). Exit 1, with
one line, when MicrosoftAppId is not a GUID or the manifest does not validate.

  --out FILE       where to write the package (default dist/npr-bot-teams.zip)
  --manifest FILE  the manifest to package, its icons beside it (default manifest.json)
  -h, --help       this text

MicrosoftAppId comes from the environment or .env; without it the placeholder bot id stays
(with a warning), and Teams will not accept the package.
`;

const { values } = command(HELP, { out: { type: 'string' }, manifest: { type: 'string' } });
const fail = (line: string): never => {
  process.stderr.write(`${line}\n`);
  process.exit(1);
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

if (existsSync(join(PROJECT_ROOT, '.env'))) process.loadEnvFile(join(PROJECT_ROOT, '.env'));
const appId = process.env.MicrosoftAppId?.trim();
const manifestFile = values.manifest ? resolve(values.manifest) : join(PROJECT_ROOT, 'manifest.json');
const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { $schema: string; bots: { botId: string }[]; id: string; icons: { color: string; outline: string } };
if (appId && !GUID.test(appId)) fail(`MicrosoftAppId must be a GUID (the Azure bot's Microsoft App ID, 8-4-4-4-12 hex digits); nothing was written`);
if (appId) manifest.bots[0]!.botId = appId;

// the schema the manifest names, as @microsoft/app-manifest ships it: no download
const version = /\/teams\/(v[\d.]+)\/MicrosoftTeams\.schema\.json$/.exec(manifest.$schema)?.[1] ?? fail(`${manifestFile}: $schema is not a Teams manifest schema URL (${manifest.$schema})`);
let errors: string[];
try {
  const { AppManifestUtils } = await import('@microsoft/app-manifest');
  const schemaFile = join(dirname(createRequire(import.meta.url).resolve('@microsoft/app-manifest')), 'json-schemas', 'teams', version, 'MicrosoftTeams.schema.json');
  if (!existsSync(schemaFile)) fail(`the Teams schema ${version} is not in this version of @microsoft/app-manifest: update it, or the $schema in manifest.json`);
  errors = await AppManifestUtils.validateAgainstSchema(manifest as never, JSON.parse(readFileSync(schemaFile, 'utf8')));
} catch (error) {
  if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
  fail('npm run package:teams validates the manifest with @microsoft/app-manifest, a development dependency: run npm ci');
}
if (errors!.length > 0) fail(`${manifestFile} does not validate against the Teams schema ${version}: ${errors!.join('; ')}; nothing was written`);

if (!appId) process.stderr.write('MicrosoftAppId is not set: the package keeps the placeholder bot id, which Teams will not accept.\n');
const zip = new AdmZip();
zip.addFile('manifest.json', Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
for (const icon of [manifest.icons.color, manifest.icons.outline]) zip.addFile(icon, readFileSync(join(dirname(manifestFile), icon)));
const out = values.out ? resolve(values.out) : join(PROJECT_ROOT, 'dist', 'npr-bot-teams.zip');
mkdirSync(dirname(out), { recursive: true });
zip.writeZip(out);
process.stdout.write(`${out}\n`);
