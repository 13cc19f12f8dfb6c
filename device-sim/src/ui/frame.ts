/** One screen, rendered as text for tests and the demo. */
export interface Frame {
  title: string;
  lines: string[];
}

const WIDTH = 28;

/** Renders a frame as a 240x320 feature-phone screen in text. */
export function renderFrame(frame: Frame): string {
  const row = (s: string) => `│ ${s.slice(0, WIDTH - 2).padEnd(WIDTH - 2)} │`;
  const body = [...frame.lines];
  while (body.length < 8) body.push('');
  return [
    `┌${'─'.repeat(WIDTH)}┐`,
    row(frame.title),
    `├${'─'.repeat(WIDTH)}┤`,
    ...body.map(row),
    `└${'─'.repeat(WIDTH)}┘`,
  ].join('\n');
}
