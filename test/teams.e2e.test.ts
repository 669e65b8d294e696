import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeConnector } from './helpers/fake-connector.js';
import { FakeOpenId } from './helpers/fake-openid.js';
import { waitUntil } from './helpers/wait.js';
import { fixture, startTestServer, type TestServer } from './helpers/server.js';

const connector = new FakeConnector();
let server: TestServer;

function activity(name: string, change: Record<string, unknown> = {}): Record<string, unknown> {
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
    const message = activity('personal_message');
    const res = await post(server.url, message);
    expect(res.status).toBe(200);
    const [reply] = await waitForCalls(1);
    // a reply to the user's message
    expect(reply!.path).toBe(`/v3/conversations/a%3A1personal-conversation-id/activities/${String(message.id)}`);
    const attachment = reply!.activity.attachments![0]!;
    expect(attachment.contentType).toBe('application/vnd.microsoft.card.adaptive');
    const card = attachment.content as { body: { type: string }[]; actions: { title: string; data: { action: string } }[] };
    expect(card.body.map((b) => b.type)).toContain('FactSet');
    expect(cardText(reply!)).toContain('6 875 kr');
    expect(cardText(reply!)).toContain('https://helsedata.no/no/forvaltere/helsedirektoratet/norsk-pasientregister/');
    expect(cardText(reply!)).toContain('sjekket 25.11.2026');
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
    await server.settled();
    expect(connector.calls).toHaveLength(1);
    expect(cardText(connector.calls[0]!)).toContain('Du kan for eksempel spørre');
  });

  it('shows the bot typing once a message is accepted, before the answer, as a reply to the message', async () => {
    const message = activity('personal_message');
    await post(server.url, message);
    const [reply] = await waitForCalls(1);
    await waitUntil(() => connector.typing.length >= 1);
    const [typing] = connector.typing;
    expect(typing!.activity.type).toBe('typing');
    expect(typing!.path).toBe(`/v3/conversations/a%3A1personal-conversation-id/activities/${String(message.id)}`);
    expect(typing!.seq).toBeLessThan(reply!.seq);
    await server.settled();
    expect(connector.typing).toHaveLength(1);
  });

  it.each([
    ['en-US', 'as activity.locale', { locale: 'en-US' }, 'You can ask, for example'],
    ['nn-NO', 'as activity.locale', { locale: 'nn-NO' }, 'Du kan til dømes spørje'],
    ['no', 'as activity.locale', { locale: 'no' }, 'Du kan for eksempel spørre'],
    ['en-GB', 'in the clientInfo entity only', { entities: [{ type: 'clientInfo', locale: 'en-GB', country: 'GB', platform: 'Web' }] }, 'You can ask, for example'],
  ])('welcomes a %s client (%s) in its language, with no feedback buttons and no typing', async (locale, _where, change, expected) => {
    // a new chat: a conversation the bot already talks in keeps its language
    const conversation = { conversationType: 'personal', tenantId: '00000000-0000-0000-0000-0000000000tt', id: `a:1welcome-${locale}` };
    await post(server.url, activity('install', { ...change, conversation }));
    const [welcome] = await waitForCalls(1);
    await server.settled();
    expect(connector.calls).toHaveLength(1);
    expect(cardText(welcome!)).toContain(expected);
    // no Helpful / Not helpful / Talk to support: there is no answer to rate yet
    const card = welcome!.activity.attachments![0]!.content as { actions: unknown[] };
    expect(card.actions).toEqual([]);
    expect(connector.typing).toEqual([]);
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
  const appId = '11111111-2222-3333-4444-555555555555';
  const keys = new FakeOpenId();
  let secured: TestServer;
  beforeAll(async () => {
    await keys.start();
    secured = await startTestServer({ SLACK_BOT_TOKEN: '', MicrosoftAppId: appId, MicrosoftAppPassword: 'secret', BotOpenIdMetadata: keys.url }, { deliveries: false });
  });
  afterAll(async () => {
    await secured.close();
    await keys.stop();
  });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it.each([
    ['no token', {}],
    ['a token that is not one', bearer('not-a-token')],
    ['a token signed with an unpublished key', bearer(keys.token({ aud: appId, serviceurl: connector.url }, { forged: true }))],
    ['a token for another bot', bearer(keys.token({ aud: '99999999-2222-3333-4444-555555555555', serviceurl: connector.url }))],
    ['an expired token', bearer(keys.token({ aud: appId, serviceurl: connector.url, nbf: 1_700_000_000, exp: 1_700_003_600 }))],
    ['a token from another issuer', bearer(keys.token({ aud: appId, serviceurl: connector.url, iss: 'https://sts.example.org' }))],
  ])('refuses %s with a bare 401 and a warning, and answers nothing', async (_name, headers) => {
    const before = secured.logs.length;
    const res = await post(secured.url, activity('personal_message'), headers);
    expect(res.status).toBe(401);
    expect(await res.text()).toBe('');
    expect(secured.logs.slice(before).some((l) => JSON.parse(l).level === 'warn' && l.includes('did not authenticate'))).toBe(true);
    await secured.settled(false);
    expect(await secured.db.all('SELECT id FROM inbox')).toEqual([]);
  });

  it('takes a request whose token the published key signed', async () => {
    const res = await post(secured.url, activity('personal_message'), bearer(keys.token({ aud: appId, serviceurl: connector.url })));
    expect(res.status).toBe(200);
    // recorded and handled: the answer waits in the outbox (sending it would need a token from Microsoft)
    expect(await waitUntil(async () => (await secured.db.all("SELECT id FROM outbox WHERE kind = 'reply'")).length === 1)).toBe(true);
  });
});
