import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeConnector } from './helpers/fake-connector.js';
import { waitUntil } from './helpers/wait.js';
import { fixture, startTestServer, type TestServer } from './helpers/server.js';

const connector = new FakeConnector();
let server: TestServer;

function activity(name: string, change: Record<string, unknown> = {}) {
  return { ...fixture(`teams/${name}.json`), serviceUrl: connector.url, ...change };
}

const post = (base: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

const cardText = (call: (typeof connector.calls)[number]) => JSON.stringify(call.activity.attachments?.[0]?.content ?? {});

async function waitForCalls(count: number, ms = 5000) {
  await waitUntil(() => connector.calls.length >= count, ms);
  expect(connector.calls.length).toBeGreaterThanOrEqual(count);
  return connector.calls;
}

beforeAll(async () => {
  await connector.start();
  server = await startTestServer({ SLACK_BOT_TOKEN: '' });
});
afterAll(async () => {
  await server.close();
  await connector.stop();
});
beforeEach(() => connector.reset());

describe('Teams through the real botbuilder stack', () => {
  it('answers a personal chat with an Adaptive Card: answer, figures, sources, actions', async () => {
    const res = await post(server.url, activity('personal_message'));
    expect(res.status).toBe(200);
    const [reply] = await waitForCalls(1);
    expect(reply!.path).toBe('/v3/conversations/a%3A1personal-conversation-id/activities/1764000000001');
    const attachment = reply!.activity.attachments![0]!;
    expect(attachment.contentType).toBe('application/vnd.microsoft.card.adaptive');
    const card = attachment.content as { body: { type: string }[]; actions: { title: string; data: { action: string } }[] };
    expect(card.body.map((b) => b.type)).toContain('FactSet');
    expect(cardText(reply!)).toContain('6 875 kr');
    expect(cardText(reply!)).toContain('https://helsedata.no/no/forvaltere/helsedirektoratet/norsk-pasientregister/');
    expect(card.actions.map((a) => a.data.action)).toEqual(['npr_helpful', 'npr_not_helpful', 'npr_support']);
  });

  it('answers a channel mention with the mention removed before understanding', async () => {
    await post(server.url, activity('channel_mention'));
    const [reply] = await waitForCalls(1);
    expect(cardText(reply!)).toContain('30 dager');
    expect(reply!.path).toContain(encodeURIComponent('19:abc123@thread.tacv2;messageid=1764000000002'));
  });

  it('welcomes a user who installs the bot, and not the bot itself', async () => {
    await post(server.url, activity('install'));
    await waitForCalls(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(connector.calls).toHaveLength(1);
    expect(cardText(connector.calls[0]!)).toContain('Du kan for eksempel spørre');
  });

  it('handles card actions: Talk to support answers as a handoff, feedback is acknowledged', async () => {
    const base = activity('personal_message', { text: undefined });
    await post(server.url, { ...base, value: { action: 'npr_support', conversationId: 'teams:a:1personal-conversation-id', lang: 'nb' } });
    const [handoff] = await waitForCalls(1);
    expect(cardText(handoff!)).toMatch(/support/);
    await post(server.url, { ...base, id: 'x2', value: { action: 'npr_not_helpful', conversationId: 'teams:a:1personal-conversation-id', lang: 'nb' } });
    const [, feedback] = await waitForCalls(2);
    expect(feedback!.activity.text).toContain('Takk for tilbakemeldingen');
  });

  it('keeps a conversation across messages: a follow-up completes the question', async () => {
    await post(server.url, activity('personal_message', { text: 'Hva koster det?', conversation: { id: 'a:follow-up', conversationType: 'personal' } }));
    await post(server.url, activity('personal_message', { id: 'f2', text: 'og for 8 timer?', conversation: { id: 'a:follow-up', conversationType: 'personal' } }));
    const [, second] = await waitForCalls(2);
    expect(cardText(second!)).toContain('11 000 kr');
  });

  it('refuses a body over 1 MB with 413', async () => {
    const res = await post(server.url, activity('personal_message', { text: 'x'.repeat(1024 * 1024 + 10) }));
    expect(res.status).toBe(413);
  });
});

describe('Teams with an app id configured', () => {
  let secured: TestServer;
  beforeAll(async () => {
    secured = await startTestServer({ SLACK_BOT_TOKEN: '', MicrosoftAppId: '11111111-2222-3333-4444-555555555555', MicrosoftAppPassword: 'secret' });
  });
  afterAll(() => secured.close());

  it('refuses requests without a valid token', async () => {
    expect((await post(secured.url, activity('personal_message'))).status).toBe(401);
    expect((await post(secured.url, activity('personal_message'), { authorization: 'Bearer not-a-token' })).status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(connector.calls).toHaveLength(0);
  });
});
