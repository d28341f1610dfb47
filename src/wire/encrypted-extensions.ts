// EncryptedExtensions (RFC 8446 §4.3.1): the TLS 1.3 server's extensions that need no key share,
// sent under the handshake keys. Zero-copy like the hello parsers.
import { extensionName } from './extension-types.ts';
import { decodeAlpn, decodeU16List16, type Extension } from './extensions.ts';
import { fail, ok, type ParseResult } from './parse-result.ts';
import { Reader } from './reader.ts';

export interface EncryptedExtensions {
  readonly extensions: readonly Extension[];
  readonly alpn: string | undefined;
  /** The server accepted the client's 0-RTT data (early_data present). */
  readonly earlyData: boolean;
  /** server_name present and empty: the server used the SNI (RFC 6066 §3). */
  readonly serverNameAck: boolean;
  /** Groups the server would prefer next time (supported_groups). */
  readonly supportedGroups: readonly number[];
  readonly recordSizeLimit: number | undefined;
}

export function parseEncryptedExtensions(body: Uint8Array): ParseResult<EncryptedExtensions> {
  const r = new Reader(body);
  const list = r.sub16();
  if (r.failed) return fail('EncryptedExtensions truncated');
  if (!r.atEnd) return fail(`EncryptedExtensions has ${r.remaining} trailing bytes`);
  const extensions: Extension[] = [];
  let alpn: string | undefined;
  let earlyData = false;
  let serverNameAck = false;
  let supportedGroups: readonly number[] = [];
  let recordSizeLimit: number | undefined;
  while (!list.atEnd) {
    const type = list.u16();
    const data = list.vec16();
    if (list.failed) return fail('EncryptedExtensions extension truncated');
    if (extensions.some((e) => e.type === type))
      return fail(`EncryptedExtensions repeats extension ${extensionName(type)}`);
    extensions.push({ type, data });
    const bad = (): ParseResult<EncryptedExtensions> =>
      fail(`EncryptedExtensions has a malformed ${extensionName(type)} extension`);
    switch (type) {
      case 0:
        serverNameAck = true;
        break;
      case 16: {
        const names = decodeAlpn(data);
        if (names?.length !== 1) return bad();
        alpn = names[0];
        break;
      }
      case 42:
        earlyData = true;
        break;
      case 10: {
        const groups = decodeU16List16(data);
        if (groups === undefined) return bad();
        supportedGroups = groups;
        break;
      }
      case 28:
        if (data.length !== 2) return bad();
        recordSizeLimit = (data[0]! << 8) | data[1]!;
        break;
    }
  }
  return ok({ extensions, alpn, earlyData, serverNameAck, supportedGroups, recordSizeLimit });
}
