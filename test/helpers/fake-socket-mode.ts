import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { waitUntil } from './wait.js';

export type EnvelopeType = 'events_api' | 'slash_commands' | 'interactive';

/** What Slack sends down a Socket Mode connection for every event, command and click. */
export interface Envelope {
  envelope_id: string;
  type: EnvelopeType;
  payload: Record<string, unknown>;
  accepts_response_payload: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

/** An acknowledgement as the fake received it, and on which connection (0: the first the client opened). */
export interface Ack {
  envelope_id: string;
  payload?: Record<string, unknown>;
  connection: number;
}

export interface SendOptions {
  /** The same id again is the same envelope delivered again; a new one by default. */
  envelopeId?: string;
  retryAttempt?: number;
  retryReason?: string;
}

/**
 * A loopback stand-in for Slack's Socket Mode endpoint: point `FakeSlackApi.socketUrl` at `url`
 * and `apps.connections.open` sends the client here. Greets each connection with `hello`, as
 * Slack does, records every acknowledgement, and sends envelopes, drops connections or asks
 * the client to reconnect when a test says so (it never redelivers on its own).
 */
export class FakeSocketMode {
  /** Every connection the client opened, oldest first. */
  readonly sockets: WebSocket[] = [];
  readonly acks: Ack[] = [];
  /** Called the moment an acknowledgement arrives, before anything else runs: a test can look at the world as it was then. */
  onAck?: (ack: Ack) => void;
  url = '';
  private server?: WebSocketServer;
  private envelopes = 0;

  async start(): Promise<this> {
    this.server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(this.server, 'listening');
    this.url = `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/link/?ticket=test`;
    this.server.on('connection', (socket) => {
      const connection = this.sockets.push(socket) - 1;
      socket.on('message', (data, isBinary) => {
        if (isBinary) return;
        const message = JSON.parse(String(data)) as { envelope_id?: string; payload?: Record<string, unknown> };
        if (typeof message.envelope_id !== 'string') return;
        const ack: Ack = { envelope_id: message.envelope_id, payload: message.payload, connection };
        this.acks.push(ack);
        this.onAck?.(ack);
      });
      socket.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake-socket-mode', approximate_connection_time: 18060 }, connection_info: { app_id: 'A0001' } }));
    });
    return this;
  }

  /** The connection the client has open now (the newest), if it is open. */
  get current(): WebSocket | undefined {
    const socket = this.sockets.at(-1);
    return socket?.readyState === WebSocket.OPEN ? socket : undefined;
  }

  /** Waits until the client has opened `count` connections in all and the newest is open. */
  async waitForConnections(count: number, ms = 5000): Promise<void> {
    if (!(await waitUntil(() => this.sockets.length >= count && this.current !== undefined, ms))) {
      throw new Error(`expected ${count} Socket Mode connections, got ${this.sockets.length}`);
    }
  }

  /** Sends an envelope on the open connection; returns its envelope id. */
  send(type: EnvelopeType, payload: Record<string, unknown>, options: SendOptions = {}): string {
    const socket = this.current;
    if (!socket) throw new Error('no open Socket Mode connection');
    const envelope: Envelope = {
      envelope_id: options.envelopeId ?? `env-${++this.envelopes}-${Date.now()}`,
      type,
      payload,
      accepts_response_payload: type === 'slash_commands',
      ...(type === 'events_api' ? { retry_attempt: options.retryAttempt ?? 0, retry_reason: options.retryReason ?? '' } : {}),
    };
    socket.send(JSON.stringify(envelope));
    return envelope.envelope_id;
  }

  acksFor(envelopeId: string): Ack[] {
    return this.acks.filter((a) => a.envelope_id === envelopeId);
  }

  /** Waits for the acknowledgement of an envelope, or fails after `ms`. */
  async waitForAck(envelopeId: string, ms = 5000): Promise<Ack> {
    if (await waitUntil(() => this.acksFor(envelopeId).length > 0, ms)) return this.acksFor(envelopeId)[0]!;
    throw new Error(`no acknowledgement of ${envelopeId}; got ${JSON.stringify(this.acks.map((a) => a.envelope_id))}`);
  }

  /**
   * A ping answered by a pong: a connection delivers in order, so whatever the client sent before
   * it answered has arrived when this resolves. Proves an acknowledgement absent, not merely late.
   */
  async roundTrip(ms = 5000): Promise<void> {
    const socket = this.current;
    if (!socket) throw new Error('no open Socket Mode connection');
    const pong = once(socket, 'pong', { signal: AbortSignal.timeout(ms) });
    socket.ping('barrier');
    await pong;
  }

  /** The connection breaks without a goodbye, as a network failure or a restarted proxy does it. */
  drop(): void {
    this.current?.terminate();
  }

  /** Slack's way to move a client off a server: a `disconnect` message, then the client reconnects. */
  askToReconnect(reason = 'refresh_requested'): void {
    this.current?.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake-socket-mode' } }));
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
