import type { SocketModeClient } from '@slack/socket-mode';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { InboundEvent } from '../src/support/events.js';
import { FakeSlackApi, type SlackCall } from './helpers/fake-slack-api.js';
import { FakeSocketMode, type EnvelopeType } from './helpers/fake-socket-mode.js';
import { fixture, startTestServer, type TestServer } from './helpers/server.js';
import { waitUntil } from './helpers/wait.js';

/**
 * Slack in Socket Mode, end to end: the real server, bolt and @slack/socket-mode, with
 * `apps.connections.open` on the fake Web API sending the client to a loopback WebSocket
 * server that stands in for Slack's.
 */

let api: FakeSlackApi;
let slack: FakeSocketMode;
let server: TestServer;
let n = 0;

type Mention = Record<string, unknown> & { event_id: string; event: Record<string, unknown> & { ts: string } };

/** An app mention asking what 5 hours of work cost, with a fresh event id and timestamp. */
function mention(): Mention {
  const body = fixture<Mention>('slack/app_mention.json');
  n++;
  body.event_id = `EvSocket${n}`;
  body.event.ts = body.event.event_ts = `${1764100000 + n}.000100`;
  return body;
}

const inboxRow = (key: string) => server.db.get<{ kind: string }>('SELECT kind FROM inbox WHERE event_key = ?', [key]);
const answers = (calls: SlackCall[], text: string) => calls.filter((c) => JSON.stringify(c.args).includes(text));
const opens = () => api.calls.filter((c) => c.method === 'apps.connections.open').length;

/** The Socket Mode client inside the running server: its own `close` event is the only sign that it saw a connection go. */
const socketClient = () => (server.slack!.app as unknown as { receiver: { client: SocketModeClient } }).receiver.client;

/**
 * Makes the moment between receiving an event and recording it long: `dispatcher.accept` for
 * `key` waits until released. `reached` resolves once the event is on its way to the store.
 */
function holdRecording(key: string) {
  const dispatcher = server.dispatcher;
  const accept = dispatcher.accept.bind(dispatcher);
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let reach!: () => void;
  const reached = new Promise<void>((r) => (reach = r));
  let recorded = false;
  dispatcher.accept = async (event: InboundEvent) => {
    if (event.key !== key) return accept(event);
    reach();
    await released;
    await accept(event);
    recorded = true;
  };
  return { reached, release, recorded: () => recorded };
}

/**
 * Sends an envelope whose recording is held; shows there is no acknowledgement while it is, and
 * that the one acknowledgement comes after the event is in the inbox. Returns the envelope id.
 */
async function acknowledgedOnlyOnceRecorded(type: EnvelopeType, payload: Record<string, unknown>, key: string): Promise<string> {
  const hold = holdRecording(key);
  let recordedAtAck: boolean | undefined;
  slack.onAck = (ack) => {
    if (ack.envelope_id === id) recordedAtAck ??= hold.recorded();
  };
  const id = slack.send(type, payload);
  await hold.reached; // bolt has it and is recording it
  await slack.roundTrip(); // whatever the client sent until now has arrived
  expect(slack.acksFor(id)).toEqual([]);
  expect(await inboxRow(key)).toBeUndefined();

  hold.release();
  const ack = await slack.waitForAck(id);
  expect(recordedAtAck).toBe(true);
  expect(ack).toMatchObject({ envelope_id: id, connection: 0 });
  expect(await inboxRow(key)).toBeDefined();
  await server.settled();
  await slack.roundTrip();
  expect(slack.acksFor(id)).toHaveLength(1);
  return id;
}

beforeEach(async () => {
  slack = await new FakeSocketMode().start();
  api = await new FakeSlackApi().start();
  api.socketUrl = slack.url;
  // no signing secret: Socket Mode needs none
  server = await startTestServer({ SLACK_API_URL: api.url, SLACK_APP_TOKEN: 'xapp-1-A0001-test', SLACK_SIGNING_SECRET: '' });
  await slack.waitForConnections(1);
});

afterEach(async () => {
  // the server first: stopping the app closes its connection, which needs the fake to answer
  await server?.close();
  await slack?.stop();
  await api?.stop();
});

describe('Slack in Socket Mode, through the real bolt and socket-mode stack', () => {
  it('connects where apps.connections.open says, without a signing secret, and serves no HTTP endpoint for Slack', async () => {
    const [open] = api.calls.filter((c) => c.method === 'apps.connections.open');
    expect(open).toBeDefined();
    expect(slack.sockets).toHaveLength(1);
    expect((await fetch(`${server.url}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect(await (await fetch(`${server.url}/healthz`)).json()).toMatchObject({ slack: true });
  });

  it('acknowledges a mention only once it is recorded, and answers it in its thread', async () => {
    const body = mention();
    await acknowledgedOnlyOnceRecorded('events_api', body, `slack:event:${body.event_id}`);
    expect(await inboxRow(`slack:event:${body.event_id}`)).toEqual({ kind: 'message' });
    const replies = api.replies();
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ method: 'chat.postMessage', args: { channel: 'C0RESEARCH', thread_ts: body.event.ts } });
    expect(answers(replies, '6 875 kr')).toHaveLength(1);
  });

  it('acknowledges /npr only once it is recorded, once, and answers through its response URL', async () => {
    const command: Record<string, string> = { ...fixture<Record<string, string>>('slack/slash_command.json'), response_url: api.responseUrl };
    await acknowledgedOnlyOnceRecorded('slash_commands', command, `slack:command:${command.trigger_id}`);
    const replies = api.replies();
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ method: 'response_url', args: { response_type: 'ephemeral' } });
    expect(answers(replies, '6 875 kr')).toHaveLength(1);
  });

  it('acknowledges a button click only once it is recorded, once, and handles it', async () => {
    const click = fixture('slack/block_actions.json') as Record<string, unknown> & { trigger_id: string; actions: Record<string, unknown>[] };
    const conversation = 'slack:T0001:C0RESEARCH:1764100000.000900';
    click.actions[0] = { ...click.actions[0], action_id: 'npr_helpful', value: JSON.stringify({ conversationId: conversation, lang: 'nb' }) };
    await acknowledgedOnlyOnceRecorded('interactive', click, `slack:action:${click.trigger_id}`);
    expect(api.replies()).toMatchObject([{ method: 'chat.postEphemeral', args: { user: 'U0USER1' } }]);
    expect(await server.db.all('SELECT helpful FROM feedback WHERE conversation_id = ?', [conversation])).toEqual([{ helpful: 1 }]);
  });

  it('does not acknowledge an event the store cannot take; the redelivered envelope is acknowledged and answered once', async () => {
    await server.db.run("CREATE TRIGGER inbox_refuses BEFORE INSERT ON inbox BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END");
    const body = mention();
    const key = `slack:event:${body.event_id}`;
    const before = server.logs.length;
    const id = slack.send('events_api', body);
    expect(await waitUntil(() => server.logs.slice(before).some((l) => l.includes('an envelope was not acknowledged')))).toBe(true);
    await slack.roundTrip();
    expect(slack.acksFor(id)).toEqual([]);
    expect(await inboxRow(key)).toBeUndefined();
    expect(server.logs.slice(before).some((l) => l.includes('an event could not be recorded'))).toBe(true);
    await server.settled();
    expect(api.replies()).toEqual([]);

    // the store is back; Slack, never acknowledged, sends the envelope again
    await server.db.run('DROP TRIGGER inbox_refuses');
    slack.send('events_api', body, { envelopeId: id, retryAttempt: 1, retryReason: 'timeout' });
    await slack.waitForAck(id);
    await server.settled();
    await slack.roundTrip();
    expect(slack.acksFor(id)).toHaveLength(1);
    expect(await inboxRow(key)).toEqual({ kind: 'message' });
    expect(api.replies()).toHaveLength(1);
    expect(answers(api.replies(), '6 875 kr')).toHaveLength(1);
  });

  it('acknowledges every delivery of an event Slack sends again, and answers it once', async () => {
    const body = mention();
    // three deliveries on top of each other, as when Slack times out waiting for the first ack
    const ids = [0, 1, 2].map((retry) => slack.send('events_api', body, retry ? { retryAttempt: retry, retryReason: 'timeout' } : {}));
    for (const id of ids) await slack.waitForAck(id);
    await server.settled();
    await slack.roundTrip();
    expect(ids.map((id) => slack.acksFor(id).length)).toEqual([1, 1, 1]);
    expect(api.replies()).toHaveLength(1);
    expect(answers(api.replies(), '6 875 kr')).toHaveLength(1);
  });

  it('reconnects when Slack asks it to (disconnect, refresh_requested), and goes on answering on the new connection', async () => {
    const first = mention();
    const firstId = slack.send('events_api', first);
    await slack.waitForAck(firstId);
    await server.settled();
    expect(api.replies()).toHaveLength(1);

    slack.askToReconnect('refresh_requested');
    await slack.waitForConnections(2, 15_000);
    expect(opens()).toBe(2);
    expect(slack.sockets[0]!.readyState).toBe(WebSocket.CLOSED);

    const next = mention();
    const nextId = slack.send('events_api', next);
    // Slack, unsure the first got through, delivers it again: a new envelope on the new connection
    const againId = slack.send('events_api', first, { retryAttempt: 1, retryReason: 'timeout' });
    expect(await slack.waitForAck(nextId)).toMatchObject({ connection: 1 });
    expect(await slack.waitForAck(againId)).toMatchObject({ connection: 1 });
    await server.settled();
    const replies = api.replies('chat.postMessage');
    expect(replies.map((r) => r.args.thread_ts)).toEqual([first.event.ts, next.event.ts]);
    expect(answers(replies, '6 875 kr')).toHaveLength(2);
  }, 20_000);

  it('survives a connection dropped before the event is recorded: reconnects, and the redelivered envelope is acknowledged and answered once', async () => {
    const body = mention();
    const key = `slack:event:${body.event_id}`;
    const hold = holdRecording(key);
    const id = slack.send('events_api', body);
    await hold.reached;

    // the connection breaks while the event is on its way to the store
    const closed = new Promise<void>((resolve) => socketClient().once('close', () => resolve()));
    slack.drop();
    await closed;
    const before = server.logs.length;
    hold.release(); // recorded now, but there is no connection to acknowledge it on
    expect(await waitUntil(async () => (await inboxRow(key)) !== undefined)).toBe(true);
    expect(await waitUntil(() => server.logs.slice(before).some((l) => l.includes('could not be acknowledged')))).toBe(true);
    expect(slack.acksFor(id)).toEqual([]);

    await slack.waitForConnections(2, 15_000);
    expect(opens()).toBe(2);
    // Slack never got the ack: it sends the envelope again, on the new connection
    slack.send('events_api', body, { envelopeId: id, retryAttempt: 1, retryReason: 'timeout' });
    expect(await slack.waitForAck(id)).toMatchObject({ connection: 1 });
    const next = mention();
    const nextId = slack.send('events_api', next);
    expect(await slack.waitForAck(nextId)).toMatchObject({ connection: 1 });
    await server.settled();
    await slack.roundTrip();
    expect(slack.acksFor(id)).toHaveLength(1);
    const replies = api.replies('chat.postMessage');
    expect(replies.map((r) => r.args.thread_ts)).toEqual([body.event.ts, next.event.ts]);
    expect(answers(replies, '6 875 kr')).toHaveLength(2);
  }, 20_000);
});
