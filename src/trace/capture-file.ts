// `tlsterm decrypt FILE`: the capture read in 1 MiB pieces and decrypted as it streams by, the report
// written as it grows (to stdout or a file made private to its owner, since it holds secrets).
// HTML is one page made at the end, so it takes only captures that fit comfortably in memory.

import fs from 'node:fs';
import process from 'node:process';
import { fail, ok, type ParseResult } from '../wire/parse-result.ts';
import { CaptureDecryptor, type CaptureTotals, type DecryptCaptureOptions } from './capture.ts';
import { renderHtml } from './render-html.ts';
import { jsonLinesReport, jsonReport, type ReportStream, textReport, type Write } from './report-stream.ts';
import type { TraceRecord, TraceSession } from './types.ts';

export const DECRYPT_FORMATS = ['text', 'json', 'jsonl', 'html'] as const;
export type DecryptFormat = (typeof DECRYPT_FORMATS)[number];

export const isDecryptFormat = (value: string): value is DecryptFormat =>
  (DECRYPT_FORMATS as readonly string[]).includes(value);

/** The largest capture --format html takes: its page holds every record at once. */
export const HTML_MAX_BYTES = 64 * 1024 * 1024;

const PIECE = 1024 * 1024;
const BATCH = 64 * 1024;

export interface DecryptFileOptions extends DecryptCaptureOptions {
  readonly format: DecryptFormat;
  /** Write here (mode 0600) instead of stdout. */
  readonly output?: string;
  readonly title?: string;
  /** Called once the capture is open and accepted, before any output (the CLI's secrets warning). */
  readonly onStart?: () => void;
}

export interface DecryptFileResult extends CaptureTotals {}

/** Fails only when the file cannot be read or is not a capture. */
export async function decryptCaptureFile(
  path: string,
  options: DecryptFileOptions,
): Promise<ParseResult<DecryptFileResult>> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(path, 'r');
  } catch (error) {
    return fail((error as Error).message);
  }
  try {
    const size = (await handle.stat()).size;
    if (options.format === 'html' && size > HTML_MAX_BYTES)
      return fail(
        `--format html makes one page of the whole capture, and this one is ${(size / 2 ** 20).toFixed(0)} MiB (the limit is ${HTML_MAX_BYTES / 2 ** 20} MiB); use --format text, json or jsonl, which stream, or cut the capture with editcap`,
      );
    options.onStart?.();
    const out = openOutput(options.output);
    const html = options.format === 'html' ? htmlCollector() : undefined;
    const report: ReportStream =
      html?.stream ??
      (options.format === 'jsonl'
        ? jsonLinesReport(out.write)
        : options.format === 'json'
          ? jsonReport(out.write)
          : textReport(out.write));
    const decryptor = new CaptureDecryptor(options, report);
    try {
      for (;;) {
        const buffer = new Uint8Array(PIECE); // fresh each time: packets keep views into it
        const { bytesRead } = await handle.read(buffer, 0, PIECE, null);
        if (bytesRead === 0) break;
        const error = decryptor.push(buffer.subarray(0, bytesRead));
        if (error !== undefined) return fail(error);
      }
      const totals = decryptor.end();
      if (!totals.ok) return fail(totals.error);
      report.end(totals.value.warnings);
      if (html !== undefined) out.write(renderHtml({ sessions: html.sessions }, options.title));
      return ok(totals.value);
    } finally {
      out.close();
    }
  } finally {
    await handle.close();
  }
}

function openOutput(file: string | undefined): { write: Write; close(): void } {
  const fd = file === undefined ? undefined : fs.openSync(file, 'w', 0o600);
  let pending: string[] = [];
  let size = 0;
  const flush = () => {
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    size = 0;
    if (fd === undefined) process.stdout.write(text);
    else fs.writeSync(fd, text);
  };
  return {
    write(text) {
      pending.push(text);
      size += text.length;
      if (size >= BATCH) flush();
    },
    close() {
      flush();
      if (fd !== undefined) fs.closeSync(fd);
    },
  };
}

function htmlCollector(): { stream: ReportStream; sessions: TraceSession[] } {
  const records = new Map<number, TraceRecord[]>();
  const sessions: TraceSession[] = [];
  const done = new Map<number, TraceSession>();
  return {
    sessions,
    stream: {
      sessionStart: (id) => records.set(id, []),
      record: (id, r) => records.get(id)?.push(r),
      sessionEnd: (id, s) => {
        done.set(id, { ...s, records: records.get(id) ?? [] });
        records.delete(id);
      },
      end: () => {
        for (const [, s] of [...done].sort(([a], [b]) => a - b)) sessions.push(s);
      },
    },
  };
}
