// Parsers on the data path never throw: they hand back one of these, so a hostile peer's bytes
// can at worst produce a value the caller has to look at.
export type ParseResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: string };

export const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
export const fail = <T = never>(error: string): ParseResult<T> => ({ ok: false, error });
