// What the admin listener needs from the config (`admin:`): where it listens, and the bearer token
// (required when it listens off loopback; optional on loopback).

export interface AdminPlan {
  readonly host: string;
  readonly port: number;
  /** The bearer token (from `token` or `token_file`); never logged. */
  readonly token?: string;
}

/** 127.0.0.0/8, ::1 (and its IPv4-mapped form), localhost: only this host can connect. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}
