// One spelling of a peer's address and port on every line: "203.0.113.9:5123", "[::1]:43818"
// (an IPv6 address in brackets, as in a URL, so the port cannot be read as part of it).

export const endpoint = (address: string | undefined, port: number | undefined): string => {
  const a = address ?? '';
  return a.includes(':') ? `[${a}]:${port ?? 0}` : `${a}:${port ?? 0}`;
};
