// An h2 header object (what node:http2 takes and gives): the one rule for a name that comes again.

/** Lower-case names to a value, or to the list of values of a repeated name. */
export type H2Fields = Record<string, string | string[] | number | undefined>;

/** Adds `value` under `name`: the first value as it is, later ones turn it into a list, in order. */
export const addH2Field = (headers: H2Fields, name: string, value: string): void => {
  const prev = headers[name];
  if (prev === undefined) headers[name] = value;
  else if (Array.isArray(prev)) prev.push(value);
  else headers[name] = [String(prev), value];
};
