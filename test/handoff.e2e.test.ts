import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../src/store/db.js';
import { FakeConnector } from './helpers/fake-connector.js';
import { FakeSlackApi, type SlackCall } from './helpers/fake-slack-api.js';
import { identityNumbers } from './helpers/identity-numbers.js';
import { postEvent, postForm } from './helpers/slack-requests.js';
import { fixture, startTestServer, type TestServer } from './helpers/server.js';
import { TestSmtpServer } from './helpers/smtp.js';
import { waitUntil } from './helpers/wait.js';
import { DATABASE_KINDS, freshDatabase, POSTGRES_URL } from './helpers/databases.js';

const SUPPORT = 'C0SUPPORT';
const RESEARCH = 'C0RESEARCH';
// one of each kind: fødselsnummer, D-nummer, H-nummer, and one valid only under the 2032 rule
const [userFnr] = identityNumbers('010190', 1);
const [agentFnr] = identityNumbers('410190', 1);
const [laterFnr] = identityNumbers('015190', 1);
const [newRuleFnr] = identityNumbers('020132', 1, 2);

const api = new FakeSlackApi();
const smtp = new TestSmtpServer();
const connector = new FakeConnector();
let n = 0;

beforeAll(async () => {
  await api.start();
  await smtp.start();
  await connector.start();
});
afterAll(async () => {
  await api.stop();
  await smtp.stop();
  await connector.stop();
});
beforeEach(() => {
  api.clear();
  connector.reset();
  smtp.received.length = 0;
});

const sqliteFile = () => join(mkdtempSync(join(tmpdir(), 'npr-handoff-')), 'bot.sqlite');

async function server(env: Record<string, string> = {}, db: Db = openDb(sqliteFile()), deliveries = true): Promise<TestServer> {
  return startTestServer({ SLACK_API_URL: api.url, SUPPORT_SLACK_CHANNEL: SUPPORT, SMTP_URL: smtp.url, ...env }, { db, bot: undefined, deliveries });
}

/** A user's message in a research-channel thread, as a signed app_mention event. */
function mention(text: string, thread: string, eventId = `EvH${++n}`) {
  return {
    type: 'event_callback',
    team_id: 'T0001',
    event_id: eventId,
    event: { type: 'app_mention', user: 'U0USER1', text: `<@UBOT> ${text}`, ts: `${1764100000 + n}.000100`, thread_ts: thread, channel: RESEARCH, event_ts: `${1764100000 + n}.000100` },
  };
}

/** A support agent's reply in a case thread of the support channel. */
function agentReply(text: string, threadTs: string) {
  n++;
  return {
    type: 'event_callback',
    team_id: 'T0001',
    event_id: `EvA${n}`,
    event: { type: 'message', channel_type: 'channel', user: 'U0AGENT', text, ts: `${1764200000 + n}.000100`, thread_ts: threadTs, channel: SUPPORT, event_ts: `${1764200000 + n}.000100` },
  };
}

function click(actionId: string, value: object, channel = SUPPORT) {
  const body = fixture('slack/block_actions.json') as Record<string, unknown> & { actions: Record<string, unknown>[] };
  body.channel = { id: channel, name: 'support' };
  body.user = { id: 'U0AGENT', username: 'agent', name: 'agent', team_id: 'T0001' };
  body.actions = [{ ...body.actions[0], action_id: actionId, value: JSON.stringify(value) }];
  return { payload: JSON.stringify(body) };
}

const textOf = (c: SlackCall) => `${String(c.args.text ?? '')}\n${JSON.stringify(c.args.blocks ?? '')}`;
const posts = (channel: string) => api.replies('chat.postMessage').filter((c) => c.args.channel === channel);

async function waitFor(what: () => SlackCall | undefined, ms = 5000): Promise<SlackCall> {
  await waitUntil(() => what() !== undefined, ms);
  const found = what();
  if (!found) throw new Error(`not arrived; calls: ${JSON.stringify(api.calls.map((c) => [c.method, c.args.channel, String(c.args.text ?? '').slice(0, 60)]))}`);
  return found;
}

/** Asks for a person and says yes; returns the case number and where the case landed. */
async function openCase(s: TestServer, thread: string) {
  await postEvent(s.url, mention(`Jeg vil snakke med en person om koblingsprosjektet vårt. Fnr ${userFnr}`, thread));
  await waitFor(() => posts(RESEARCH).find((c) => textOf(c).includes('Svar «ja» eller «nei»')));
  await postEvent(s.url, mention('ja', thread));
  const opened = await waitFor(() => posts(RESEARCH).find((c) => /NPR-\d{5}/.test(textOf(c))));
  return /NPR-\d{5}/.exec(textOf(opened))![0];
}

describe('handoff to the support team in Slack', () => {
  let s: TestServer;
  afterEach(() => s?.close());

  // (a dozen round trips through bolt and the desk: more than 5 s on a busy machine)
  it('confirms, opens a case, and carries messages both ways until it is resolved', { timeout: 30_000 }, async () => {
    s = await server();
    const thread = '1764100000.000001';
    const number = await openCase(s, thread);
    const confirmation = posts(RESEARCH).find((c) => textOf(c).includes(number))!;
    expect(confirmation.args.thread_ts).toBe(thread);
    expect(textOf(confirmation)).toMatch(/svarer her/);

    const supportPost = await waitFor(() => posts(SUPPORT).find((c) => textOf(c).includes(`Sak ${number}`)));
    expect(JSON.stringify(supportPost.args.blocks)).toMatch(/npr_case_claim.*npr_case_resolve.*npr_case_forward/);
    expect(textOf(supportPost)).toContain('koblingsprosjektet');
    const supportTs = String(supportPost.result!.ts);

    await postEvent(s.url, agentReply(`Hei! Send oss prosjektbeskrivelsen. Gjelder ${agentFnr} eller ${newRuleFnr}?`, supportTs));
    const toUser = await waitFor(() => posts(RESEARCH).find((c) => textOf(c).includes('Svar fra supportteamet')));
    expect(toUser.args.thread_ts).toBe(thread);
    expect(textOf(toUser)).toContain('prosjektbeskrivelsen');

    // an internal note in the thread stays with the support team
    await postEvent(s.url, agentReply('// intern: Kari tar denne', supportTs));
    expect(await waitUntil(async () => (await s.desk.cases.events(1)).some((e) => e.kind === 'internal_note'))).toBe(true);
    expect(posts(RESEARCH).some((c) => textOf(c).includes('Kari tar denne'))).toBe(false);

    await postEvent(s.url, mention(`Her er beskrivelsen, pasient ${laterFnr}`, thread));
    const relayed = await waitFor(() => posts(SUPPORT).find((c) => c.args.thread_ts === supportTs && textOf(c).includes('beskrivelsen')));
    expect(textOf(relayed)).toContain('[REDACTED]');
    await waitFor(() => posts(RESEARCH).find((c) => textOf(c).includes('Sendt til supportteamet')));

    await postForm(s.url, click('npr_case_claim', { caseId: 1 }));
    const claimed = await waitFor(() => api.replies('chat.update').find((c) => textOf(c).includes('tatt av U0AGENT')));
    expect(claimed.args.ts).toBe(supportTs);

    await postForm(s.url, click('npr_case_forward', { caseId: 1 }));
    await postForm(s.url, click('npr_case_forward', { caseId: 1 })); // a second click sends nothing more
    await s.settled();
    expect(smtp.received).toHaveLength(1);
    const { mail, raw } = smtp.received[0]!;
    expect(mail.subject).toContain(number);
    expect(mail.to).toMatchObject({ text: 'helseregistre@helsedir.no' });
    expect(mail.text).toContain('koblingsprosjektet');
    expect(raw).not.toContain(userFnr);
    expect(await waitUntil(async () => (await s.desk.cases.events(1)).some((e) => e.kind === 'mailed'))).toBe(true);
    expect((await s.desk.cases.events(1)).map((e) => e.kind)).toContain('forwarded');

    await postForm(s.url, click('npr_case_resolve', { caseId: 1 }));
    await waitFor(() => posts(RESEARCH).find((c) => textOf(c).includes(`Sak ${number} er løst`)));
    expect(await s.desk.cases.get(1)).toMatchObject({ status: 'resolved' });

    // after resolution the bot answers again itself
    await postEvent(s.url, mention('Hva koster 5 timer?', thread));
    await waitFor(() => posts(RESEARCH).find((c) => textOf(c).includes('6 875')));

    // no identity number anywhere: database, logs, Slack posts, mail
    const dump = JSON.stringify(
      await Promise.all(['conversations', 'cases', 'case_events', 'outbox', 'feedback', 'unanswered', 'settings'].map((t) => s.db.all(`SELECT * FROM ${t}`))),
    );
    const everything = [dump, s.logs.join('\n'), JSON.stringify(api.calls), smtp.received.map((r) => r.raw).join('\n')].join('\n');
    for (const fnr of [userFnr, agentFnr, laterFnr, newRuleFnr]) {
      expect(everything).not.toContain(fnr!);
      expect(everything).not.toContain(`${fnr!.slice(0, 6)} ${fnr!.slice(6)}`);
    }
    expect(dump).toContain('[REDACTED]');
  });

  it('opens no case when no support channel is set up, and sends the user to the registry', async () => {
    s = await server({ SUPPORT_SLACK_CHANNEL: '' });
    const thread = '1764100000.000011';
    await postEvent(s.url, mention('Jeg vil snakke med en person', thread));
    await waitFor(() => posts(RESEARCH).find((c) => textOf(c).includes('Svar «ja» eller «nei»')));
    await postEvent(s.url, mention('ja', thread));
    await waitFor(() => posts(RESEARCH).find((c) => textOf(c).includes('Herfra kan jeg ikke opprette en sak')));
    expect(await s.db.all('SELECT id FROM cases')).toEqual([]);
  });

  it('ignores case buttons pressed outside the support channel', async () => {
    s = await server();
    await openCase(s, '1764100000.000012');
    await postForm(s.url, click('npr_case_resolve', { caseId: 1 }, RESEARCH));
    await s.settled();
    expect(await s.desk.cases.get(1)).toMatchObject({ status: 'open' });
  });

  it('answers a case opened through /npr by direct message', async () => {
    s = await server();
    const command = (text: string) => ({ ...fixture<Record<string, string>>('slack/slash_command.json'), response_url: api.responseUrl, text });
    await postForm(s.url, command('jeg vil snakke med en person'));
    await postForm(s.url, command('ja'));
    await waitFor(() => api.replies('response_url').find((c) => textOf(c).includes('NPR-00001')));
    const ts = String((await waitFor(() => posts(SUPPORT)[0])).result!.ts);
    await postEvent(s.url, agentReply('Vi tar kontakt.', ts));
    const dm = await waitFor(() => posts('DU0USER1').find((c) => textOf(c).includes('Vi tar kontakt.')));
    expect(api.replies('conversations.open')[0]!.args.users).toBe('U0USER1');
    expect(dm.args.thread_ts).toBeUndefined();
  });

  it('offers a person after two unanswered questions, and opens nothing on "nei"', async () => {
    s = await server();
    const thread = '1764100000.000002';
    await postEvent(s.url, mention('Hva blir været i Bergen i morgen?', thread));
    await postEvent(s.url, mention('Hvem vinner cupfinalen i fotball?', thread));
    await waitFor(() => posts(RESEARCH).find((c) => textOf(c).includes('gir dette videre til supportteamet')));
    await postEvent(s.url, mention('nei', thread));
    await waitFor(() => posts(RESEARCH).find((c) => textOf(c).includes('oppretter ingen sak')));
    expect(await s.db.all('SELECT id FROM cases')).toEqual([]);
    expect((await s.db.all<{ question: string }>('SELECT question FROM unanswered')).length).toBeGreaterThanOrEqual(2);
  });

  it('without SMTP, Forward to NPR gives the agent a prefilled mailto: link', async () => {
    s = await server({ SMTP_URL: '' });
    await openCase(s, '1764100000.000003');
    await postForm(s.url, click('npr_case_forward', { caseId: 1 }));
    const note = await waitFor(() => api.replies('chat.postEphemeral').find((c) => textOf(c).includes('mailto:')));
    expect(textOf(note)).toContain('mailto:helseregistre@helsedir.no?subject=Sak%20NPR-00001');
  });

  it('retries a forward the mail server refuses, and mails it once when the server accepts', async () => {
    s = await server();
    await openCase(s, '1764100000.000006');
    smtp.refusing = true;
    await postForm(s.url, click('npr_case_forward', { caseId: 1 }));
    expect(await waitUntil(async () => Number((await s.db.get<{ attempts: number }>("SELECT attempts FROM outbox WHERE kind = 'mail'"))?.attempts) >= 1)).toBe(true);
    expect(smtp.received).toHaveLength(0);
    smtp.refusing = false;
    await s.db.run("UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00.000Z' WHERE delivered_at IS NULL");
    await s.settled();
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.mail.subject).toContain('NPR-00001');
  });

  it('keeps a case while the support channel is down and delivers it once when it is back', async () => {
    s = await server();
    api.fail('chat.postMessage', 'channel_not_found', (args) => args.channel === SUPPORT);
    await openCase(s, '1764100000.000004');
    expect(await waitUntil(async () => Number((await s.db.get<{ attempts: number }>("SELECT attempts FROM outbox WHERE kind = 'case_post'"))?.attempts) >= 1)).toBe(true);
    expect(await s.outbox.pending()).toBeGreaterThan(0);
    expect(posts(SUPPORT)).toHaveLength(0);
    api.reset(); // the channel is back
    await s.db.run("UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00.000Z' WHERE delivered_at IS NULL"); // skip the backoff wait
    await s.settled();
    expect(posts(SUPPORT)).toHaveLength(1);
  });

  it('delivers what was decided before a restart, once, from the restarted server', async () => {
    const file = sqliteFile();
    const first = await server({}, openDb(file), false); // handles events, never delivers
    const thread = '1764100000.000005';
    await postEvent(first.url, mention('Jeg vil snakke med en person', thread));
    await first.settled(false);
    await postEvent(first.url, mention('ja', thread));
    await first.settled(false);
    await first.close();
    expect(api.calls.filter((c) => c.method !== 'auth.test')).toHaveLength(0);
    s = await server({}, openDb(file));
    await s.settled();
    expect(posts(RESEARCH).filter((c) => textOf(c).includes('Svar «ja» eller «nei»'))).toHaveLength(1);
    expect(posts(RESEARCH).filter((c) => /NPR-00001/.test(textOf(c)))).toHaveLength(1);
    expect(posts(SUPPORT)).toHaveLength(1);
  });

  it('hands a case opened from Teams to the Slack support channel, and the agent\'s reply back to Teams', async () => {
    s = await server();
    const activity = (text: string, id: string) => ({ ...fixture('teams/personal_message.json'), id, serviceUrl: connector.url, text, conversation: { id: 'a:teams-user', conversationType: 'personal' } });
    const send = (body: unknown) => fetch(`${s.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await send(activity(`Jeg vil snakke med en person, fnr ${userFnr}`, 't1'));
    await send(activity('ja', 't2'));
    await waitUntil(() => connector.calls.some((c) => /NPR-\d{5}/.test(JSON.stringify(c.activity))));
    const ts = String((await waitFor(() => posts(SUPPORT)[0])).result!.ts);
    const beforeReply = JSON.stringify(connector.calls);
    connector.reset();
    await postEvent(s.url, agentReply('Vi ser på saken i dag.', ts));
    await waitUntil(() => connector.calls.some((c) => (c.activity.text ?? '').includes('Vi ser på saken i dag.')));
    const call = connector.calls.find((c) => (c.activity.text ?? '').includes('Vi ser på saken'))!;
    expect(call.path).toContain(encodeURIComponent('a:teams-user'));
    const everything = [beforeReply, JSON.stringify(connector.calls), JSON.stringify(api.calls), s.logs.join('\n')].join('\n');
    expect(everything).not.toContain(userFnr!);
    expect(JSON.stringify(posts(SUPPORT))).toContain('[REDACTED]');
  });
});

describe('a support team working in Teams', () => {
  it('registers its channel, receives a case opened in Slack, answers it and claims it from Teams', { timeout: 20_000 }, async () => {
    const s = await server({ SUPPORT_SLACK_CHANNEL: '' });
    try {
      const teams = (body: Record<string, unknown>) =>
        fetch(`${s.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...fixture('teams/channel_mention.json'), serviceUrl: connector.url, ...body }) });
      const supportChannel = '19:support@thread.tacv2';
      await teams({ id: 'r1', text: '<at>NPR-bot</at> register support channel', conversation: { id: `${supportChannel};messageid=r1`, conversationType: 'channel', isGroup: true } });
      expect(await waitUntil(() => connector.calls.some((c) => (c.activity.text ?? '').includes('nye supportsaker')))).toBe(true);

      await openCase(s, '1764100000.000010');
      expect(await waitUntil(() => connector.calls.some((c) => c.method === 'POST' && c.path === `/v3/conversations/${encodeURIComponent(supportChannel)}/activities`))).toBe(true);
      const posted = connector.calls.find((c) => c.path === `/v3/conversations/${encodeURIComponent(supportChannel)}/activities`)!;
      expect(JSON.stringify(posted.activity.attachments)).toMatch(/Sak NPR-00001.*npr_case_claim/);
      const rootId = posted.id;

      await teams({ id: 'r2', text: '<at>NPR-bot</at> Hei, vi ser på saken.', conversation: { id: `${supportChannel};messageid=${rootId}`, conversationType: 'channel', isGroup: true } });
      await waitFor(() => posts(RESEARCH).find((c) => textOf(c).includes('Hei, vi ser på saken.')));

      // someone in another channel can neither take over the support channel nor act on the case
      connector.reset();
      await teams({ id: 'x1', text: '<at>NPR-bot</at> register support channel', conversation: { id: '19:other@thread.tacv2;messageid=x1', conversationType: 'channel', isGroup: true } });
      expect(await waitUntil(() => connector.calls.some((c) => (c.activity.text ?? '').includes('Du kan ikke gjøre denne kanalen')))).toBe(true);
      await teams({ id: 'x2', text: undefined, value: { action: 'npr_case_resolve', caseId: 1 }, conversation: { id: '19:other@thread.tacv2;messageid=x2', conversationType: 'channel', isGroup: true } });
      await s.settled();
      expect(await s.desk.cases.get(1)).toMatchObject({ status: 'open' });

      await teams({ id: 'r3', text: undefined, value: { action: 'npr_case_claim', caseId: 1 }, conversation: { id: `${supportChannel};messageid=${rootId}`, conversationType: 'channel', isGroup: true } });
      expect(await waitUntil(() => connector.calls.some((c) => c.method === 'PUT' && c.path.endsWith(`/activities/${rootId}`)))).toBe(true);
      expect(await s.desk.cases.get(1)).toMatchObject({ status: 'claimed' });
    } finally {
      await s.close();
    }
  });
});

describe.skipIf(!POSTGRES_URL)('two instances sharing PostgreSQL', () => {
  it('answer a retried Slack event once and open one case for one request', async () => {
    expect(DATABASE_KINDS).toContain('postgres');
    const database = await freshDatabase('postgres');
    const a = await server({}, database.open());
    const b = await server({}, database.open());
    try {
      const thread = '1764100000.000009';
      const ask = mention('Jeg vil snakke med en person', thread);
      await Promise.all([postEvent(a.url, ask), postEvent(b.url, ask, { headers: { 'x-slack-retry-num': '1' } })]);
      await Promise.all([a.settled(), b.settled()]);
      expect(posts(RESEARCH)).toHaveLength(1);

      const yes = mention('ja', thread);
      await Promise.all([postEvent(a.url, yes), postEvent(b.url, { ...yes, event_id: `${yes.event_id}-redelivered` })]);
      await Promise.all([a.settled(), b.settled()]);
      expect(await a.db.all('SELECT id FROM cases')).toHaveLength(1);
      // one case post; the second "ja", handled after the first, goes to the case's thread
      expect(posts(SUPPORT).filter((c) => !c.args.thread_ts)).toHaveLength(1);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
