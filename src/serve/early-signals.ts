// bin/tlsterm holds SIGHUP from its first line for `serve` (Node's default action would end the
// process): a reload asked for while the module graph loads is kept, not fatal. The primary takes
// the holder over once its own handler is installed.

/** What bin/tlsterm leaves at this well-known key (plain JS there, so no import between them). */
interface EarlyHolder {
  readonly sighup: number;
  release(): void;
}

const KEY = Symbol.for('tlsterm.early-signals');

/** Call after installing the real SIGHUP handler: whether a SIGHUP came before it. */
export function takeEarlySighup(): boolean {
  const slot = globalThis as unknown as Record<symbol, EarlyHolder | undefined>;
  const holder = slot[KEY];
  if (holder === undefined) return false;
  holder.release();
  slot[KEY] = undefined;
  return holder.sighup > 0;
}
