import { describe, expect, it } from 'vitest';
import type { Key } from '../../../device-sim/src/ui/display.js';
import { KeypadUser, type KeypadState } from '../../../device-sim/src/ui/keypad-user.js';

const frame = { title: 'DFS Pay: PIN', lines: [] };
const press = (u: KeypadUser, ...keys: Key[]) => keys.forEach((k) => u.key(k));

describe('KeypadUser: the native prompts answered key by key', () => {
  it('confirms on OK or the right soft key, cancels on the left soft key; other keys do nothing', async () => {
    const u = new KeypadUser();
    const yes = u.confirm(frame);
    press(u, '5', 'Up');
    expect(u.state).toEqual({ waiting: 'confirm', digits: 0 });
    press(u, 'Enter');
    expect(await yes).toBe(true);
    const viaSoft = u.confirm(frame);
    press(u, 'SoftRight');
    expect(await viaSoft).toBe(true);
    const no = u.confirm(frame);
    press(u, 'SoftLeft');
    expect(await no).toBe(false);
    expect(u.state).toEqual({ digits: 0 });
  });

  it('collects PIN digits (left soft key deletes), reports only their count, needs four before OK', async () => {
    const seen: KeypadState[] = [];
    const u = new KeypadUser((s) => seen.push(s));
    const pin = u.enterPin(frame);
    press(u, '2', '5', '9', 'SoftLeft', '8', 'Enter');
    expect(u.state).toEqual({ waiting: 'pin', digits: 3 });
    press(u, '0', 'Enter');
    expect(await pin).toBe('2580');
    expect(seen.map((s) => s.digits)).toEqual([0, 1, 2, 3, 2, 3, 4, 0]);
    expect(JSON.stringify(seen)).not.toContain('2580');
  });

  it('drop() forgets the prompt and the digits typed: later keys answer nothing', async () => {
    const u = new KeypadUser();
    let answered = false;
    void u.enterPin(frame).then(() => (answered = true));
    press(u, '1', '2', '3', '4');
    u.drop();
    press(u, 'Enter');
    await new Promise((r) => setTimeout(r, 5));
    expect([answered, u.state]).toEqual([false, { digits: 0 }]);
  });
});
