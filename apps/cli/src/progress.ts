/**
 * Progress of the CLI's long work (rebuilds, exports, replays, sealing), on
 * stderr so that stdout keeps only the result (paths, JSON) for scripts.
 */

export interface ProgressTask {
  /** Work done so far, and the whole when known: gives a rate, and an ETA on a terminal. */
  tick(done: number, total?: number): void;
}

/** The end of a piece of work: what it did, and the count its rate is computed on. */
export interface ProgressSummary {
  text: string;
  count?: number;
}

export interface ProgressWork {
  /** Such as `projections rebuild parcours`. */
  label: string;
  /** What `count` and `tick` count, plural: `events`. */
  unit: string;
}

export interface Progress {
  run<T>(
    work: ProgressWork,
    body: (task: ProgressTask) => Promise<T>,
    summary: (result: T) => ProgressSummary,
  ): Promise<T>;
}

/** For callers of the command functions that print nothing along the way (tests, other tools). */
export const silentProgress: Progress = {
  run: (_work, body) => body({ tick: () => undefined }),
};

/** `850 ms`, `4.2 s`, `42 s`, `3 min 05 s`, `2 h 07 min`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.round(s)} s`;
  const total = Math.round(s);
  if (total < 3600) return `${Math.floor(total / 60)} min ${String(total % 60).padStart(2, '0')} s`;
  return `${Math.floor(total / 3600)} h ${String(Math.floor((total % 3600) / 60)).padStart(2, '0')} min`;
}

function formatRate(count: number, ms: number, unit: string): string | undefined {
  if (ms <= 0 || count <= 0) return undefined;
  const perSecond = (count * 1000) / ms;
  return `${perSecond >= 10 ? Math.round(perSecond) : perSecond.toFixed(1)} ${unit}/s`;
}

/** `1200/5000 events, 350 events/s, ETA 11 s` (the parts that can be known). */
export function formatTick(done: number, total: number | undefined, elapsedMs: number, unit: string): string {
  const parts = [total === undefined ? `${done} ${unit}` : `${done}/${total} ${unit}`];
  const rate = formatRate(done, elapsedMs, unit);
  if (rate) parts.push(rate);
  if (rate && total !== undefined && total >= done)
    parts.push(`ETA ${formatDuration(((total - done) * elapsedMs) / done)}`);
  return parts.join(', ');
}

function endLine(work: ProgressWork, summary: ProgressSummary, elapsedMs: number): string {
  const rate = summary.count === undefined ? undefined : formatRate(summary.count, elapsedMs, work.unit);
  return `${work.label}: ${summary.text} in ${formatDuration(elapsedMs)}${rate ? ` (${rate})` : ''}`;
}

/** Logs, pipes and CI: a line at the start, one at the end, and one every `everyMs` at most while the work counts. */
export function lineProgress(
  writeLine: (line: string) => void,
  clock: () => number = Date.now,
  everyMs = 10_000,
): Progress {
  return {
    async run(work, body, summary) {
      const started = clock();
      let lastLine = started;
      writeLine(`${work.label}: started`);
      const result = await body({
        tick(done, total) {
          const now = clock();
          if (now - lastLine < everyMs) return;
          lastLine = now;
          writeLine(`${work.label}: ${formatTick(done, total, now - started, work.unit)}`);
        },
      });
      writeLine(endLine(work, summary(result), clock() - started));
      return result;
    },
  };
}

/** On a terminal: one line redrawn in place every second, with the rate and the ETA once the work counts. */
export function terminalProgress(
  write: (raw: string) => void,
  clock: () => number = Date.now,
  everyMs = 1000,
): Progress {
  const redraw = (line: string) => write(`\r\x1b[K${line}`);
  return {
    async run(work, body, summary) {
      const started = clock();
      let counted: { done: number; total?: number } | undefined;
      const draw = () => {
        const elapsed = clock() - started;
        redraw(
          `${work.label}: ${counted ? formatTick(counted.done, counted.total, elapsed, work.unit) : '…'} (${formatDuration(elapsed)})`,
        );
      };
      draw();
      const timer = setInterval(draw, everyMs);
      timer.unref();
      try {
        const result = await body({
          tick(done, total) {
            counted = { done, total };
          },
        });
        clearInterval(timer);
        redraw(`${endLine(work, summary(result), clock() - started)}\n`);
        return result;
      } catch (error) {
        // The error line the CLI prints next takes the place of the progress line.
        clearInterval(timer);
        redraw('');
        throw error;
      }
    },
  };
}
