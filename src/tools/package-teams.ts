/**
 * `npm run package:teams`: writes dist/npr-bot-teams.zip (manifest.json and the two icons) to
 * upload in Teams. The bot id is MicrosoftAppId from the environment or .env.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import AdmZip from 'adm-zip';
import { PROJECT_ROOT } from '../core/bot.js';

if (existsSync(join(PROJECT_ROOT, '.env'))) process.loadEnvFile(join(PROJECT_ROOT, '.env'));
const appId = process.env.MicrosoftAppId;
const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, 'manifest.json'), 'utf8')) as { bots: { botId: string }[]; id: string };
if (appId) manifest.bots[0]!.botId = appId;
else process.stderr.write('MicrosoftAppId is not set: the package keeps the placeholder bot id, which Teams will not accept.\n');

const zip = new AdmZip();
zip.addFile('manifest.json', Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
for (const icon of ['color.png', 'outline.png']) zip.addFile(icon, readFileSync(join(PROJECT_ROOT, icon)));
mkdirSync(join(PROJECT_ROOT, 'dist'), { recursive: true });
const out = join(PROJECT_ROOT, 'dist', 'npr-bot-teams.zip');
zip.writeZip(out);
process.stdout.write(`${out}\n`);
