/**
 * A one-line progress bar on stderr, drawn only where a person is watching: when the stream is a
 * TTY and the job is large enough to take a noticeable time. Piped or redirected output (CI logs,
 * deploy scripts) never sees carriage returns or escape codes.
 *
 * Redraws happen when the shown percentage changes (at most 101 writes), not on a timer, so the
 * output is deterministic and costs nothing per entry.
 */
import type { OutStream } from './io.js';

/** Entries from which `rotate` draws a bar. */
export const PROGRESS_THRESHOLD = 1000;

export interface Progress {
  /** `done` of `total` items finished. */
  update(done: number): void;
  /** Draw 100 % and end the line. */
  finish(): void;
  /** End the line where the bar stands (the job failed). */
  abort(): void;
}

const SILENT: Progress = { update() {}, finish() {}, abort() {} };

/** A bar for `total` items labelled `label`, or a silent no-op when not a TTY or below `threshold`. */
export function createProgress(
  stream: OutStream,
  label: string,
  total: number,
  threshold = PROGRESS_THRESHOLD,
): Progress {
  if (stream.isTTY !== true || total < threshold || total <= 0) return SILENT;
  const columns = typeof stream.columns === 'number' && stream.columns > 0 ? stream.columns : 80;
  const width = Math.max(10, Math.min(40, columns - label.length - 2 * String(total).length - 12));
  let shown = -1;
  let finished = false;
  const draw = (done: number): void => {
    const clamped = Math.min(Math.max(done, 0), total);
    const percent = Math.floor((clamped * 100) / total);
    if (percent === shown) return;
    shown = percent;
    const filled = Math.round((clamped * width) / total);
    const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
    // \r returns to column 0; ESC[K erases what a longer earlier line left behind.
    stream.write(`\r${label} [${bar}] ${String(percent).padStart(3)}% ${clamped}/${total}\u001b[K`);
  };
  draw(0);
  return {
    update: (done) => {
      if (!finished) draw(done);
    },
    finish: () => {
      if (finished) return;
      draw(total);
      finished = true;
      stream.write('\n');
    },
    abort: () => {
      if (finished) return;
      finished = true;
      stream.write('\n');
    },
  };
}
