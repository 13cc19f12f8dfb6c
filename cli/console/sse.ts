import type { Request, Response } from 'express';

/** One message on a channel, as the browser receives it (`event: <channel>`, `data: <json>`). */
export interface ChannelMessage {
  channel: string;
  data: unknown;
}

/** How many recent messages per channel a newly connected browser is sent first. */
const REPLAY = 50;
const HEARTBEAT_MS = 15_000;
/** A channel name: lowercase words joined by `.`, `-` or `:` (e.g. `phone:3`, `operator.payments`). */
const CHANNEL = /^[a-z0-9][a-z0-9.:-]{0,63}$/;

/**
 * Server-Sent Events: tabs publish JSON on named channels; every connected browser receives each
 * message, and on connecting the last few of each channel, so a reload shows the current state.
 */
export class EventHub {
  readonly #clients = new Set<Response>();
  readonly #recent = new Map<string, unknown[]>();

  /** Sends `data` on `channel` to every connected browser (kept for replay). */
  publish(channel: string, data: unknown): void {
    if (!CHANNEL.test(channel)) throw new Error(`invalid console channel "${channel}"`);
    const kept = this.#recent.get(channel) ?? [];
    kept.push(data);
    if (kept.length > REPLAY) kept.shift();
    this.#recent.set(channel, kept);
    const frame = format({ channel, data });
    for (const res of this.#clients) res.write(frame);
  }

  /** The express handler of the event stream (mounted behind the credential check). */
  stream = (req: Request, res: Response): void => {
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    res.write('retry: 2000\n\n');
    for (const [channel, items] of this.#recent) for (const data of items) res.write(format({ channel, data }));
    this.#clients.add(res);
    const beat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    req.on('close', () => {
      clearInterval(beat);
      this.#clients.delete(res);
    });
  };

  /** Ends every open stream (shutdown). */
  close(): void {
    for (const res of this.#clients) res.end();
    this.#clients.clear();
  }
}

const format = (m: ChannelMessage) => `event: ${m.channel}\ndata: ${JSON.stringify(m.data)}\n\n`;
