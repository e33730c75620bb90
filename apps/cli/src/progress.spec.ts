import { formatDuration, formatTick, lineProgress, terminalProgress } from './progress';

/** A clock the test moves. */
function fakeClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('CLI progress', () => {
  it('formats durations and the rate and ETA of counted work', () => {
    expect([
      formatDuration(850),
      formatDuration(4200),
      formatDuration(42_400),
      formatDuration(185_000),
      formatDuration(7_620_000),
    ]).toEqual(['850 ms', '4.2 s', '42 s', '3 min 05 s', '2 h 07 min']);
    expect(formatTick(1200, 5000, 4000, 'events')).toBe('1200/5000 events, 300 events/s, ETA 13 s');
    expect(formatTick(3, undefined, 2000, 'letters')).toBe('3 letters, 1.5 letters/s');
    expect(formatTick(0, 10, 2000, 'events')).toBe('0/10 events');
  });

  it('writes a start and an end line with the count, the elapsed time and the rate', async () => {
    const lines: string[] = [];
    const clock = fakeClock();
    const result = await lineProgress((l) => lines.push(l), clock.now).run(
      { label: 'projections rebuild parcours', unit: 'events' },
      async () => {
        clock.advance(2500);
        return 500;
      },
      (n) => ({ text: `${n} events`, count: n }),
    );
    expect(result).toBe(500);
    expect(lines).toEqual([
      'projections rebuild parcours: started',
      'projections rebuild parcours: 500 events in 2.5 s (200 events/s)',
    ]);
  });

  it('writes counted progress at most every interval, and nothing more when the work fails', async () => {
    const lines: string[] = [];
    const clock = fakeClock();
    const work = lineProgress((l) => lines.push(l), clock.now, 10_000).run(
      { label: 'privacy seal-existing', unit: 'events' },
      async (task) => {
        for (let done = 1000; done <= 4000; done += 1000) {
          clock.advance(6000);
          task.tick(done, 4000);
        }
        throw new Error('store gone');
      },
      () => ({ text: 'never' }),
    );
    await expect(work).rejects.toThrow('store gone');
    expect(lines).toEqual([
      'privacy seal-existing: started',
      'privacy seal-existing: 2000/4000 events, 167 events/s, ETA 12 s',
      'privacy seal-existing: 4000/4000 events, 167 events/s, ETA 0 ms',
    ]);
  });

  it('redraws one line in place on a terminal, with the rate and the ETA, and ends it', async () => {
    const writes: string[] = [];
    const clock = fakeClock();
    await terminalProgress((s) => writes.push(s), clock.now, 5).run(
      { label: 'dead-letters replay', unit: 'letters' },
      async (task) => {
        clock.advance(2000);
        task.tick(50, 200);
        await new Promise((r) => setTimeout(r, 60));
        return 200;
      },
      (n) => ({ text: `${n} re-injected`, count: n }),
    );
    expect(writes[0]).toBe('\r\x1b[Kdead-letters replay: … (0 ms)');
    expect(writes).toContain('\r\x1b[Kdead-letters replay: 50/200 letters, 25 letters/s, ETA 6.0 s (2.0 s)');
    expect(writes[writes.length - 1]).toBe(
      '\r\x1b[Kdead-letters replay: 200 re-injected in 2.0 s (100 letters/s)\n',
    );
    expect(writes.join('')).not.toMatch(/\n./);
  });

  it('clears its line on a terminal when the work fails, for the error line', async () => {
    const writes: string[] = [];
    const work = terminalProgress((s) => writes.push(s)).run(
      { label: 'x', unit: 'events' },
      () => Promise.reject(new Error('no')),
      () => ({ text: '' }),
    );
    await expect(work).rejects.toThrow('no');
    expect(writes[writes.length - 1]).toBe('\r\x1b[K');
  });
});
