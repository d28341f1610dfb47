// PEM framing: find the labelled blocks in a file. Pure text work; parsing the DER inside is left to
// node:crypto.

export interface PemBlock {
  /** 'CERTIFICATE', 'PRIVATE KEY', 'EC PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', … */
  readonly label: string;
  /** The whole block, BEGIN and END lines included, newline-terminated. */
  readonly text: string;
  /** Headers between BEGIN and the base64 (old OpenSSL "Proc-Type: 4,ENCRYPTED" keys). */
  readonly encryptedHeader: boolean;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;

export function pemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const m of text.matchAll(BLOCK)) {
    const label = m[1] ?? '';
    const body = m[2] ?? '';
    blocks.push({
      label,
      text: `${m[0].replace(/\r\n/g, '\n')}\n`,
      encryptedHeader: /^Proc-Type:\s*4,ENCRYPTED/m.test(body),
    });
  }
  return blocks;
}

/** Looks like DER (an ASN.1 SEQUENCE) rather than text. */
export function looksLikeDer(bytes: Uint8Array): boolean {
  return bytes.length > 2 && bytes[0] === 0x30 && (bytes[1] ?? 0) >= 0x80;
}
