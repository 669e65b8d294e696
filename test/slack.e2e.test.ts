import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeSlackApi } from './helpers/fake-slack-api.js';
import { waitUntil } from './helpers/wait.js';
import { postEvent, postForm, postToSlack, sign } from './helpers/slack-requests.js';
import { fixture, startTestServer, type TestServer } from './helpers/server.js';

const api = new FakeSlackApi();
let server: TestServer;
let n = 0;

/** A fixture event with a fresh event id and timestamp, optionally changed. */
function event(name: string, change: (e: Record<string, unknown>) => void = () => {}) {
  const body = fixture(`slack/${name}.json`) as Record<string, unknown> & { event: Record<string, unknown> };
  n++;
  body.event_id = `Ev${name}${n}`;
  body.event.ts = body.event.event_ts = `${1764000000 + n}.000100`;
  change(body.event);
  return body;
}

const sectionText = (call: { args: Record<string, unknown> }) =>
  (call.args.blocks as { type: string; text?: { text: string }; fields?: { text: string }[] }[])
    .flatMap((b) => [b.text?.text ?? '', ...(b.fields ?? []).map((f) => f.text)])
    .join('\n');

beforeAll(async () => {
  await api.start();
  server = await startTestServer({ SLACK_API_URL: api.url, SLACK_API_TIMEOUT_MS: '400' });
});
afterAll(async () => {
  await server.close();
  await api.stop();
});
beforeEach(() => api.clear());

describe('Slack through the real bolt stack', () => {
  it('answers a mention in a thread, with Block Kit: answer, figures, sources, buttons', async () => {
    const body = event('app_mention');
    const res = await postEvent(server.url, body);
    expect(res.status).toBe(200);
    const [reply] = await api.waitForReplies(1);
    expect(reply!.method).toBe('chat.postMessage');
    expect(reply!.args).toMatchObject({ channel: 'C0RESEARCH', thread_ts: body.event.ts });
    const blocks = reply!.args.blocks as { type: string }[];
    expect(blocks.map((b) => b.type)).toEqual(['section', 'section', 'context', 'actions']);
    expect(sectionText(reply!)).toContain('6 875 kr');
    expect(sectionText(reply!)).toContain('Inkl. mva.');
    expect(JSON.stringify(blocks)).toContain('<https://helsedata.no/no/forvaltere/helsedirektoratet/norsk-pasientregister/|');
    expect(JSON.stringify(blocks)).toContain('>, sjekket 25.11.2026');
    expect(JSON.stringify(blocks)).toMatch(/npr_helpful.*npr_not_helpful.*npr_support/);
    expect(reply!.args.text).toContain('Overslag');
  });

  it('answers a direct message in the DM, and a follow-up there continues it', async () => {
    await postEvent(server.url, event('message_im'));
    const [first] = await api.waitForReplies(1);
    expect(first!.args.channel).toBe('D0DIRECT1');
    expect(first!.args.thread_ts).toBeUndefined();
    expect(sectionText(first!)).toContain('60 dager');
    await postEvent(server.url, event('message_im', (e) => (e.text = 'komplett søknad mottatt 3. mars 2027')));
    const [, second] = await api.waitForReplies(2);
    expect(sectionText(second!)).toContain('2. mai 2027');
  });

  it('answers an event Slack retries exactly once', async () => {
    const body = event('app_mention');
    await postEvent(server.url, body);
    await postEvent(server.url, body, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    await postEvent(server.url, body, { headers: { 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_timeout' } });
    await server.settled();
    expect(api.replies()).toHaveLength(1);
  });

  it('handles a replayed /npr command and a replayed button click once each (same trigger id)', async () => {
    const command = { ...fixture<Record<string, string>>('slack/slash_command.json'), response_url: api.responseUrl };
    // signed anew each time, as an attacker within the five minutes Slack allows could
    for (let i = 0; i < 3; i++) expect((await postForm(server.url, command)).status).toBe(200);
    await server.settled();
    expect(api.replies()).toHaveLength(1);

    const click = fixture('slack/block_actions.json') as Record<string, unknown> & { actions: Record<string, unknown>[] };
    click.actions[0] = { ...click.actions[0], action_id: 'npr_helpful', value: JSON.stringify({ conversationId: 'slack:T0001:C0RESEARCH:1764000000.000200', lang: 'nb' }) };
    for (let i = 0; i < 3; i++) expect((await postForm(server.url, { payload: JSON.stringify(click) })).status).toBe(200);
    await server.settled();
    expect(api.replies('chat.postEphemeral')).toHaveLength(1);
    expect(await server.db.all('SELECT helpful FROM feedback WHERE conversation_id = ?', ['slack:T0001:C0RESEARCH:1764000000.000200'])).toEqual([{ helpful: 1 }]);
  });

  it('ignores its own and other bots\' messages and message edits', async () => {
    await postEvent(server.url, event('message_im', (e) => (e.bot_id = 'BOTHER')));
    await postEvent(server.url, event('message_im', (e) => Object.assign(e, { subtype: 'message_changed', message: { text: 'hva koster det?' } })));
    await postEvent(server.url, event('message_im', (e) => Object.assign(e, { subtype: 'bot_message', bot_id: 'BBOT' })));
    await postEvent(server.url, event('app_mention', (e) => (e.bot_id = 'BOTHER')));
    await server.settled();
    expect(api.replies()).toHaveLength(0);
  });

  it('answers /npr ephemerally, with a button that posts the answer to the channel', async () => {
    const command = { ...fixture<Record<string, string>>('slack/slash_command.json'), response_url: api.responseUrl };
    const res = await postForm(server.url, command);
    expect(res.status).toBe(200);
    const [ephemeral] = await api.waitForReplies(1);
    expect(ephemeral).toMatchObject({ method: 'response_url', args: { response_type: 'ephemeral' } });
    const actions = (ephemeral!.args.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]).find((b) => b.type === 'actions')!;
    const share = actions.elements!.find((e) => e.action_id === 'npr_post_to_channel')!;

    const click = fixture('slack/block_actions.json') as Record<string, unknown> & { actions: Record<string, unknown>[] };
    click.actions[0] = { ...click.actions[0], action_id: 'npr_post_to_channel', value: share.value };
    await postForm(server.url, { payload: JSON.stringify(click) });
    const [, posted] = await api.waitForReplies(2);
    expect(posted).toMatchObject({ method: 'chat.postMessage', args: { channel: 'C0RESEARCH' } });
    expect(sectionText(posted!)).toContain('6 875 kr');
  });

  it('handles the Talk to support and feedback buttons', async () => {
    const click = fixture('slack/block_actions.json') as Record<string, unknown> & { actions: Record<string, unknown>[] };
    const value = JSON.stringify({ conversationId: 'slack:T0001:C0RESEARCH:1764000000.000100', lang: 'nb' });
    click.actions[0] = { ...click.actions[0], action_id: 'npr_support', value };
    await postForm(server.url, { payload: JSON.stringify(click) });
    const [handoff] = await api.waitForReplies(1);
    expect(handoff).toMatchObject({ method: 'chat.postMessage', args: { channel: 'C0RESEARCH', thread_ts: '1764000000.000100' } });
    expect(sectionText(handoff!)).toMatch(/support/);

    click.actions[0] = { ...click.actions[0], action_id: 'npr_helpful', value };
    click.trigger_id = `${String(click.trigger_id)}-next`; // every click has its own
    await postForm(server.url, { payload: JSON.stringify(click) });
    const [, thanks] = await api.waitForReplies(2);
    expect(thanks).toMatchObject({ method: 'chat.postEphemeral', args: { user: 'U0USER1' } });
    expect(thanks!.args.text).toContain('Takk for tilbakemeldingen');
    expect(await server.db.all('SELECT helpful FROM feedback WHERE conversation_id = ?', ['slack:T0001:C0RESEARCH:1764000000.000100'])).toEqual([{ helpful: 1 }]);
  });

  it('shows what it can answer on the App Home tab', async () => {
    await postEvent(server.url, fixture('slack/app_home_opened.json'));
    const [home] = await api.waitForReplies(1);
    expect(home).toMatchObject({ method: 'views.publish', args: { user_id: 'U0USER1', view: { type: 'home' } } });
    expect(JSON.stringify(home!.args.view)).toContain('hva koster 5 timer saksbehandling?');
  });

  it('never lets a question ping anyone: user text is escaped', async () => {
    const command = { ...fixture<Record<string, string>>('slack/slash_command.json'), response_url: api.responseUrl, text: '<!channel> <@U0OTHER> hva koster det & hvor lang tid <b>?' };
    await postForm(server.url, command);
    const [reply] = await api.waitForReplies(1);
    const json = JSON.stringify(reply!.args);
    expect(json).not.toMatch(/<!channel>|<!here>|<@U0OTHER>|<b>/);
    expect(json).toContain('&amp;');
  });

  it('waits out a 429 with Retry-After and still answers once', async () => {
    api.rateLimit('chat.postMessage', 1);
    const before = server.logs.length;
    await postEvent(server.url, event('app_mention'));
    await server.settled();
    expect(api.replies()).toHaveLength(1);
    // the retry was set for the time Slack asked for, not the usual backoff
    const failure = server.logs.slice(before).find((l) => l.includes('delivery of reply failed; will retry'));
    expect(JSON.parse(failure!)).toMatchObject({ retryInMs: 1000, error: expect.stringMatching(/rate/i) });
  });

  it('logs a Slack API that does not answer, and keeps serving', async () => {
    api.hang('chat.postMessage');
    const before = server.logs.length;
    await postEvent(server.url, event('app_mention'));
    expect(await waitUntil(() => server.logs.slice(before).some((l) => l.includes('delivery of reply failed; will retry')), 10_000)).toBe(true);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    // the API answers again: the answer arrives, once
    api.reset();
    await server.settled();
    expect(api.replies('chat.postMessage')).toHaveLength(1);
  }, 15_000);
});

describe('Slack request verification', () => {
  const body = () => JSON.stringify(event('app_mention'));
  const now = () => Math.floor(Date.now() / 1000);

  it.each([
    ['unsigned', (b: string) => ({ signature: null as null, timestamp: now(), b })],
    ['wrongly signed', (b: string) => ({ signature: sign(b, now(), 'another-secret'), timestamp: now(), b })],
    ['signed more than 5 minutes ago', (b: string) => ({ signature: sign(b, now() - 301), timestamp: now() - 301, b })],
    ['signed more than 5 minutes ahead', (b: string) => ({ signature: sign(b, now() + 301), timestamp: now() + 301, b })],
  ])('refuses a request %s with 401 and no reply', async (_name, make) => {
    const { signature, timestamp, b } = make(body());
    const res = await postToSlack(server.url, b, 'application/json', { signature, timestamp });
    expect(res.status).toBe(401);
    await server.settled();
    expect(api.replies()).toHaveLength(0);
  });

  it('refuses a body over 1 MB with 413', async () => {
    const big = JSON.stringify({ ...event('app_mention'), padding: 'x'.repeat(1024 * 1024 + 10) });
    const res = await postToSlack(server.url, big, 'application/json');
    expect(res.status).toBe(413);
  });
});
