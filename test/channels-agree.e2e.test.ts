import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeConnector } from './helpers/fake-connector.js';
import { FakeSlackApi } from './helpers/fake-slack-api.js';
import { waitUntil } from './helpers/wait.js';
import { postEvent } from './helpers/slack-requests.js';
import { ask, testBot } from './helpers/bot.js';
import { fixture, startTestServer, type TestServer } from './helpers/server.js';

const api = new FakeSlackApi();
const connector = new FakeConnector();
let server: TestServer;

beforeAll(async () => {
  await api.start();
  await connector.start();
  server = await startTestServer({ SLACK_API_URL: api.url });
});
afterAll(async () => {
  await server.close();
  await api.stop();
  await connector.stop();
});

/** Every number, date and address in an answer: the facts that must not differ between channels. */
const factsOf = (text: string) => [...text.matchAll(/\d[\d  .,]*\d|\d|[\w.-]+@[\w.-]+|https?:\/\/\S+/g)].map((m) => m[0].replace(/[  ]/g, ' ')).sort();
const unescapeSlack = (t: string) => t.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

describe('the same question through the core, Slack and Teams', () => {
  it.each([
    'Hva koster 5 timer?',
    'Komplett søknad mottatt 3. mars 2027, når får vi personidentifiserbare data?',
    'How do I apply for data for hospital administration?',
    'Hva er lovhjemmelen for NPR?',
  ])('gives the same facts: %s', async (question) => {
    const core = await ask(testBot(), question);

    api.reset();
    const body = fixture('slack/app_mention.json') as Record<string, unknown> & { event: Record<string, unknown> };
    body.event_id = `EvAgree${question.length}`;
    body.event.text = `<@UBOT> ${question}`;
    await postEvent(server.url, body);
    const [slack] = await api.waitForReplies(1);
    const slackText = unescapeSlack(
      (slack!.args.blocks as { type: string; text?: { text: string } }[]).filter((b) => b.type === 'section' && b.text && !b.text.text.startsWith('✉️')).map((b) => b.text!.text).join('\n'),
    );

    connector.reset();
    await fetch(`${server.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...fixture('teams/personal_message.json'), serviceUrl: connector.url, text: question, conversation: { id: `a:agree-${question.length}` } }),
    });
    await waitUntil(() => connector.calls.length > 0);
    const card = connector.calls[0]!.activity.attachments![0]!.content as { body: { type: string; text?: string }[] };
    // the card's text blocks, markdown escapes undone
    const teamsText = card.body.filter((b) => b.type === 'TextBlock' && !b.text!.startsWith(`${'Kilder'}:`) && !/^(Sources|Kjelder):/.test(b.text!)).map((b) => b.text!.replace(/\\([*_~`[\]\\])/g, '$1')).join('\n');

    expect(factsOf(core.text).length).toBeGreaterThan(0);
    expect(factsOf(slackText)).toEqual(factsOf(core.text));
    expect(factsOf(teamsText)).toEqual(factsOf(core.text));
  });
});
