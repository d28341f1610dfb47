// Bulk download with curl (a real, efficient client, so the proxy rather than the client is the
// bottleneck as far as two shared cores allow). The body is discarded; curl reports size and time.
import { execFile } from 'node:child_process';

export interface Download {
  readonly bytes: number;
  readonly seconds: number;
}

export type DownloadResult = { ok: true; value: Download } | { ok: false; error: string };

/** Parses curl's `-w '%{http_code} %{size_download} %{time_total}'` output. */
export function parseCurlWriteOut(text: string): DownloadResult {
  const match = /^(\d{3}) (\d+) ([\d.]+)$/.exec(text.trim());
  if (match === null)
    return { ok: false, error: `unexpected curl output: ${JSON.stringify(text.slice(0, 80))}` };
  if (match[1] !== '200') return { ok: false, error: `HTTP status ${match[1]}` };
  return { ok: true, value: { bytes: Number(match[2]), seconds: Number(match[3]) } };
}

export function curlDownload(options: {
  readonly port: number;
  readonly hostname: string;
  readonly path: string;
  readonly ca: string;
  readonly timeoutSeconds: number;
}): Promise<DownloadResult> {
  const args = [
    '--silent',
    '--show-error',
    '--http1.1',
    '--cacert',
    options.ca,
    '--resolve',
    `${options.hostname}:${options.port}:127.0.0.1`,
    '--max-time',
    String(options.timeoutSeconds),
    '--output',
    '/dev/null',
    '--write-out',
    '%{http_code} %{size_download} %{time_total}',
    `https://${options.hostname}:${options.port}${options.path}`,
  ];
  return new Promise((resolve) => {
    execFile('curl', args, { timeout: (options.timeoutSeconds + 5) * 1000 }, (err, stdout, stderr) => {
      if (err !== null) {
        resolve({ ok: false, error: `curl failed: ${stderr.trim() || err.message}` });
        return;
      }
      resolve(parseCurlWriteOut(stdout));
    });
  });
}
