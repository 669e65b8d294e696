import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ConnectorCall {
  method: string;
  path: string;
  activity: Record<string, unknown> & { text?: string; attachments?: { contentType: string; content: Record<string, unknown> }[] };
  authorization?: string;
  /** The id the connector gave the activity, as Teams shows it to the channel. */
  id: string;
  /** Its place among every call the connector received, typing indicators included. */
  seq: number;
}

/** A loopback stand-in for the Bot Framework connector a Teams activity's serviceUrl points at. */
export class FakeConnector {
  /** The activities the bot sent, but for typing indicators. */
  readonly calls: ConnectorCall[] = [];
  /** The typing indicators (`{ type: 'typing' }`), apart: they come with most answers. */
  readonly typing: ConnectorCall[] = [];
  private received = 0;
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const raw = Buffer.concat(chunks).toString('utf8');
      const activity = (raw ? JSON.parse(raw) : {}) as ConnectorCall['activity'];
      const typing = activity.type === 'typing';
      const id = typing ? `typing-${this.typing.length + 1}` : `activity-${this.calls.length + 1}`;
      (typing ? this.typing : this.calls).push({ method: req.method ?? '', path: req.url ?? '', activity, authorization: req.headers.authorization, id, seq: ++this.received });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this;
  }

  reset() {
    this.calls.length = 0;
    this.typing.length = 0;
  }

  async stop() {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
