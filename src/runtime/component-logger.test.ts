import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { componentLogger } from './component-logger.js';

describe('componentLogger', () => {
  it('names a component once: a part handed a named logger keeps that name, and no key is written twice', () => {
    const lines: string[] = [];
    const root = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const store = componentLogger(root, 'store');
    componentLogger(store, 'bootstrap').info('nested');
    store.info('direct');
    for (const line of lines) expect(line.match(/"component":/g), line).toHaveLength(1);
    expect(lines.map((l) => (JSON.parse(l) as { component: string }).component)).toEqual(['store', 'store']);
    // What pino does without it: the key twice.
    lines.length = 0;
    store.child({ component: 'bootstrap' }).info('twice');
    expect(lines[0]!.match(/"component":/g)).toHaveLength(2);
  });
});
