import { PassThrough } from 'node:stream';
import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { EventHub } from '../../../cli/console/sse.js';

/** A response stand-in that records what the hub writes, and a request that can be closed. */
function client() {
  const out: string[] = [];
  const req = new PassThrough();
  const res = {
    status: () => res,
    set: () => res,
    flushHeaders: () => {},
    write: (s: string) => out.push(s),
    end: () => out.push('<end>'),
  };
  return { req: req as unknown as Request, res: res as unknown as Response, out, close: () => req.emit('close') };
}

describe('EventHub (Server-Sent Events)', () => {
  it('streams each message as event/data, replays the last 50 per channel to a new client, stops after close', () => {
    const hub = new EventHub();
    for (let i = 0; i < 60; i++) hub.publish('phones', { i });
    const c = client();
    hub.stream(c.req, c.res);
    const replayed = c.out.filter((s) => s.startsWith('event: phones'));
    expect(replayed).toHaveLength(50);
    expect(replayed[0]).toBe('event: phones\ndata: {"i":10}\n\n');
    hub.publish('operator.events', { type: 'device.revoked' });
    expect(c.out.at(-1)).toBe('event: operator.events\ndata: {"type":"device.revoked"}\n\n');
    c.close();
    hub.publish('phones', { i: 60 });
    expect(c.out.at(-1)).toBe('event: operator.events\ndata: {"type":"device.revoked"}\n\n');
  });

  it('refuses a channel name that could break the stream framing', () => {
    const hub = new EventHub();
    expect(() => hub.publish('phones\ndata: x', {})).toThrow();
    expect(() => hub.publish('', {})).toThrow();
  });
});
