// TLS 1.2 keys: the master secret from the key log, an earlier session this one resumes, or the
// RSA-encrypted pre-master secret and the server's private key; the key block split into the
// write keys ChangeCipherSpec turns on. A renegotiation runs this again under its own names.

import { toHex } from '../wire/bytes.ts';
import type { ClientHello } from '../wire/client-hello.ts';
import { parseClientKeyExchange } from '../wire/client-key-exchange.ts';
import { digest } from '../wire/key-schedule.ts';
import { KeyLogLabel, secretsFor } from '../wire/keylog.ts';
import { extendedMasterSecret, keyBlock, masterSecretFromRandoms } from '../wire/prf.ts';
import type { ServerHello } from '../wire/server-hello.ts';
import { failed, plain } from './messages.ts';
import { decryptPreMaster, keyMatchesCertificate } from './rsa-premaster.ts';
import type { Cipher, SessionState } from './session-state.ts';
import type { SuiteCrypto } from './suite-crypto.ts';
import type { MessageDetail } from './types.ts';

/** "" for the first handshake, "_renegotiated_N" for the Nth renegotiation: names of its secrets and epoch. */
export const renegotiationSuffix = (s: SessionState): string =>
  s.renegotiations === 0 ? '' : `_renegotiated_${s.renegotiations}`;

export function noKeyLogReason(s: SessionState, ch: ClientHello, crypto: SuiteCrypto): string {
  const cr = toHex(ch.random);
  const rsaGiven = (s.input.rsaKeys?.length ?? 0) > 0;
  const lines = crypto.tls13
    ? `CLIENT_HANDSHAKE_TRAFFIC_SECRET, SERVER_HANDSHAKE_TRAFFIC_SECRET, CLIENT_TRAFFIC_SECRET_0 and SERVER_TRAFFIC_SECRET_0 lines for client random ${cr}`
    : `a CLIENT_RANDOM ${cr} <master secret> line`;
  if (rsaGiven && crypto.kx !== 'rsa') {
    const what = crypto.tls13 ? 'TLS 1.3 (always ephemeral (EC)DHE)' : `${crypto.suite.kx} key exchange`;
    return `${what}: the server's private key only signs the handshake, so it cannot decrypt this session (forward secrecy); what would: a key log with ${lines}`;
  }
  const size = s.keyLog.byClientRandom.size;
  return `no key log line for client random ${cr} (the key log has ${size} session${size === 1 ? '' : 's'}); what would: ${lines}`;
}

export function setup12(s: SessionState, crypto: SuiteCrypto, ch: ClientHello, sh: ServerHello): void {
  const logged = secretsFor(s.keyLog, ch.random).get(KeyLogLabel.clientRandom);
  s.steps.push(
    `${crypto.suite.iana}: ${crypto.spec.kind === 'aead' ? `AEAD ${crypto.spec.algorithm}` : `${crypto.spec.algorithm} + HMAC-${crypto.spec.mac.toUpperCase()}${s.encryptThenMac ? ' (encrypt-then-MAC, RFC 7366)' : ' (MAC-then-encrypt)'}`}, PRF-${crypto.hash.toUpperCase()}`,
  );
  if (logged !== undefined) {
    s.source = `key log: CLIENT_RANDOM ${toHex(ch.random)}`;
    s.steps.push('master_secret: from the key log (CLIENT_RANDOM line)');
    setMaster(s, crypto, ch, sh, logged);
    return;
  }
  const store = s.input.resumption;
  if (s.resumed && store !== undefined) {
    const fromId = store.get(`id:${toHex(sh.sessionId)}`);
    if (fromId !== undefined) {
      s.source = `resumed session ${toHex(sh.sessionId).slice(0, 16)}…: master secret of an earlier session in this capture`;
      s.steps.push('master_secret: carried over from the session this one resumes (same session ID)');
      setMaster(s, crypto, ch, sh, fromId);
      return;
    }
  }
  if (ch.sessionTicket !== undefined && ch.sessionTicket.length > 0 && store !== undefined) {
    const fromTicket = store.get(`ticket:${toHex(ch.sessionTicket)}`);
    if (fromTicket !== undefined) {
      s.resumed = true;
      s.source = 'resumed session: master secret of the earlier session that issued this ticket';
      s.steps.push(
        'master_secret: carried over from the session that issued the ticket the client presented',
      );
      setMaster(s, crypto, ch, sh, fromTicket);
      return;
    }
  }
  if (crypto.kx === 'rsa' && !s.resumed && (s.input.rsaKeys?.length ?? 0) + s.keyLog.rsaPreMaster.size > 0)
    return; // wait for the ClientKeyExchange
  s.keyProblem = s.resumed
    ? `resumed session: its master secret was made by an earlier handshake; what would decrypt it: a CLIENT_RANDOM ${toHex(ch.random)} <master secret> key log line`
    : noKeyLogReason(s, ch, crypto);
  s.source = 'no key log line for this session';
}

export function setMaster(
  s: SessionState,
  crypto: SuiteCrypto,
  ch: ClientHello,
  sh: ServerHello,
  master: Uint8Array,
): void {
  const suffix = renegotiationSuffix(s);
  s.master12 = master;
  s.secrets[`master_secret${suffix}`] = toHex(master);
  const { sizes } = crypto;
  const block = keyBlock(crypto.hash, master, ch.random, sh.random, sizes);
  const total = 2 * (sizes.macLength + sizes.keyLength + sizes.ivLength);
  const parts = [
    sizes.macLength > 0
      ? `client_write_MAC_key[${sizes.macLength}] + server_write_MAC_key[${sizes.macLength}] + `
      : '',
    `client_write_key[${sizes.keyLength}] + server_write_key[${sizes.keyLength}] + client_write_IV[${sizes.ivLength}] + server_write_IV[${sizes.ivLength}]`,
  ].join('');
  s.steps.push(
    `key_block = PRF(master_secret, "key expansion", server_random + client_random), ${total} bytes = ${parts}`,
  );
  if (crypto.spec.kind === 'aead' && crypto.spec.algorithm === 'chacha20-poly1305')
    s.steps.push('nonce = write_IV XOR sequence number (RFC 7905); AAD = seq_num + type + version + length');
  else if (crypto.spec.kind === 'aead')
    s.steps.push(
      'nonce = write_IV (4-byte salt) + the 8-byte explicit nonce at the start of each record; AAD = seq_num + type + version + length',
    );
  else
    s.steps.push(
      `each record starts with its own IV (the key block's IVs go unused since TLS 1.1); MAC = HMAC-${crypto.spec.mac.toUpperCase()}(write_MAC_key, seq_num + type + version + length + ${s.encryptThenMac ? 'IV + ciphertext)' : 'plaintext)'}`,
    );
  if (sizes.macLength > 0) {
    s.keys[`client_write_mac_key${suffix}`] = toHex(block.client_write_mac_key);
    s.keys[`server_write_mac_key${suffix}`] = toHex(block.server_write_mac_key);
  }
  s.keys[`client_write_key${suffix}`] = toHex(block.client_write_key);
  s.keys[`server_write_key${suffix}`] = toHex(block.server_write_key);
  s.keys[`client_write_iv${suffix}`] = toHex(block.client_write_iv);
  s.keys[`server_write_iv${suffix}`] = toHex(block.server_write_iv);
  const make = (key: Uint8Array, iv: Uint8Array, macKey: Uint8Array): Cipher => ({
    spec: crypto.spec,
    key,
    iv,
    macKey,
    epoch: s.renegotiations === 0 ? 'encrypted' : `renegotiated_${s.renegotiations}`,
    tls13: false,
    generation: 0,
  });
  s.sides.client.pending12 = make(block.client_write_key, block.client_write_iv, block.client_write_mac_key);
  s.sides.server.pending12 = make(block.server_write_key, block.server_write_iv, block.server_write_mac_key);
}

export function onClientKeyExchange(s: SessionState, body: Uint8Array): MessageDetail {
  const crypto = s.crypto;
  const kx = crypto?.kx === 'rsa' ? 'rsa' : crypto?.kx === 'dhe' ? 'dhe' : 'ecdhe';
  const cke = parseClientKeyExchange(body, kx);
  if (!cke.ok) return failed('ClientKeyExchange', cke.error);
  if (cke.value.kind !== 'rsa')
    return plain('ClientKeyExchange', {
      key_exchange: kx.toUpperCase(),
      public_key: `${cke.value.publicKey.length} bytes`,
    });
  const encrypted = cke.value.encryptedPreMaster;
  const fields: Record<string, string | number | boolean | null> = {
    key_exchange: 'RSA',
    encrypted_pre_master_secret: `${encrypted.length} bytes`,
  };
  const ch = s.clientHello;
  const sh = s.serverHello;
  if (crypto === undefined || ch === undefined || sh === undefined || s.master12 !== undefined)
    return plain('ClientKeyExchange', fields);
  let preMaster = s.keyLog.rsaPreMaster.get(toHex(encrypted.subarray(0, 8)));
  let how = 'key log (RSA line)';
  if (preMaster === undefined) {
    const keys = s.input.rsaKeys ?? [];
    const cert = s.serverCertificate;
    const ordered =
      cert === undefined
        ? keys
        : [...keys].sort(
            (a, b) => Number(keyMatchesCertificate(b, cert)) - Number(keyMatchesCertificate(a, cert)),
          );
    const errors: string[] = [];
    for (const key of ordered) {
      const r = decryptPreMaster(key, encrypted);
      if (r.ok) {
        preMaster = r.value.preMaster;
        how = "the server's private key";
        if (r.value.version !== ch.legacyVersion)
          s.warnings.push(
            `the pre-master secret starts with version ${r.value.version.toString(16)}, not the ClientHello's ${ch.legacyVersion.toString(16)}`,
          );
        break;
      }
      errors.push(r.error);
    }
    if (preMaster === undefined) {
      const matching = cert !== undefined && keys.some((k) => keyMatchesCertificate(k, cert));
      s.keyProblem =
        keys.length === 0
          ? noKeyLogReason(s, ch, crypto)
          : `RSA key exchange, but ${matching ? 'decrypting the pre-master secret failed' : "no private key given matches the server's certificate"}: ${errors[0] ?? ''}`;
      fields['pre_master_secret'] = 'not decrypted';
      return plain('ClientKeyExchange', fields);
    }
  }
  s.secrets[`pre_master_secret${renegotiationSuffix(s)}`] = toHex(preMaster);
  fields['pre_master_secret'] = `decrypted with ${how}`;
  s.source = `pre-master secret from ${how}`;
  s.steps.push(
    `pre_master_secret = RSAES-PKCS1-v1_5-Decrypt(server private key, ClientKeyExchange): 48 bytes, client_version ${toHex(preMaster.subarray(0, 2))} + 46 random bytes`,
  );
  let master: Uint8Array;
  if (sh.extendedMasterSecret) {
    const sessionHash = digest(crypto.hash, ...s.transcript);
    s.steps.push(
      `session_hash = ${crypto.hash.toUpperCase()}(ClientHello … ClientKeyExchange) = ${toHex(sessionHash)}`,
      'master_secret = PRF(pre_master_secret, "extended master secret", session_hash)[0..47] (RFC 7627)',
    );
    master = extendedMasterSecret(crypto.hash, preMaster, sessionHash);
  } else {
    s.steps.push(
      'master_secret = PRF(pre_master_secret, "master secret", client_random + server_random)[0..47]',
    );
    master = masterSecretFromRandoms(crypto.hash, preMaster, ch.random, sh.random);
  }
  setMaster(s, crypto, ch, sh, master);
  return plain('ClientKeyExchange', fields);
}
