// The terms the inspect page links, each explained for a reader of the seeds: what it is, why it is
// there, and which seed section speaks of it. Pure data; one entry per term.

export interface Term {
  /** Anchor id (`#term-<id>`). */
  readonly id: string;
  readonly term: string;
  /** Names a ladder or fact uses for it (message names as trace labels them). */
  readonly aliases?: readonly string[];
  readonly text: string;
  readonly seed: string;
}

export const GLOSSARY: readonly Term[] = [
  {
    id: 'client-hello',
    term: 'ClientHello',
    text: 'The first message: the versions, cipher suites, groups (with key shares in TLS 1.3), signature algorithms, SNI and ALPN your client can use, and 32 random bytes. It travels in clear.',
    seed: 'seed 002 "1. Client Hello"; seed 000 §2.2',
  },
  {
    id: 'server-hello',
    term: 'ServerHello',
    text: "The server's choice from your offer: one version, one cipher suite, (TLS 1.3) its key share, and its own random. From here on, TLS 1.3 encrypts everything.",
    seed: 'seed 002 "2. Server Hello"',
  },
  {
    id: 'hello-retry-request',
    term: 'HelloRetryRequest (HRR)',
    aliases: ['HelloRetryRequest'],
    text: 'A ServerHello that asks the client to start again with a key share for another group, because none it sent is one the server accepts. It costs a round trip.',
    seed: 'seed 004 (negotiation); RFC 8446 §4.1.4',
  },
  {
    id: 'certificate',
    term: 'Certificate',
    aliases: ['Certificate'],
    text: "The server's certificate chain, leaf first. The client checks the names, the dates and that it chains to a root it trusts; in TLS 1.3 this message is already encrypted.",
    seed: 'seed 001 "what the client verifies"; seed 002 "3. Server Certificate"',
  },
  {
    id: 'certificate-verify',
    term: 'CertificateVerify',
    text: "TLS 1.3: the server's signature over the handshake so far with its private key, proving it holds the key of the certificate it sent.",
    seed: 'seed 002 "TLS 1.3 5. Certificate & Certificate Verify"',
  },
  {
    id: 'server-key-exchange',
    term: 'ServerKeyExchange',
    text: "TLS 1.2 with ECDHE or DHE: the server's ephemeral public value, signed with the certificate's key. Absent with RSA key exchange.",
    seed: 'seed 002 "5. supplement: key exchange without RSA"',
  },
  {
    id: 'client-key-exchange',
    term: 'ClientKeyExchange',
    text: "TLS 1.2: the client's part of the key exchange: its ephemeral public value (ECDHE), or the pre-master secret encrypted with the server's RSA public key (RSA key exchange).",
    seed: 'seed 002 "5. Client Key Exchange"; seed 000 §2.2',
  },
  {
    id: 'encrypted-extensions',
    term: 'EncryptedExtensions',
    text: 'TLS 1.3: the extensions that need not be in clear (ALPN among them), sent right after ServerHello under the handshake keys.',
    seed: 'seed 002 "TLS 1.3 4. Encrypted Extensions"',
  },
  {
    id: 'change-cipher-spec',
    term: 'ChangeCipherSpec',
    text: 'TLS 1.2: "my next record is encrypted". In TLS 1.3 it is a meaningless compatibility record that middleboxes expect.',
    seed: 'seed 002 "7. Change Cipher Spec"',
  },
  {
    id: 'finished',
    term: 'Finished',
    text: 'A MAC over the whole handshake under the new keys: both sides prove they saw the same messages, so nobody changed the offer on the way.',
    seed: 'seed 002 "8. Finished"',
  },
  {
    id: 'new-session-ticket',
    term: 'NewSessionTicket',
    text: 'A ticket the server hands the client so it can resume later without a full handshake: the session state encrypted under a ticket key only the servers hold.',
    seed: 'seed 000 §5 (session resumption)',
  },
  {
    id: 'close-notify',
    term: 'close_notify',
    aliases: ['Alert close_notify'],
    text: 'The alert that ends a TLS session cleanly, so a truncation by an attacker can be told apart from the end.',
    seed: 'seed 003 "end of session"',
  },
  {
    id: 'application-data',
    term: 'application data',
    aliases: ['application_data'],
    text: 'Your HTTP request and its response, in records protected by the traffic keys.',
    seed: 'seed 000 §3.3',
  },
  {
    id: 'ecdhe',
    term: 'ECDHE',
    text: "Ephemeral (elliptic-curve) Diffie-Hellman: both sides make a throwaway key pair per connection and derive the same secret from the other's public half. The certificate key only signs.",
    seed: 'seed 000 §2.4; seed 001 "RSA and ECDHE"',
  },
  {
    id: 'rsa-key-exchange',
    term: 'RSA key exchange',
    text: "TLS 1.2 only: the client encrypts the pre-master secret with the server's RSA public key. Whoever gets the server's private key, even years later, decrypts every recorded session.",
    seed: 'seed 000 §2.2–2.3',
  },
  {
    id: 'forward-secrecy',
    term: 'forward secrecy',
    text: "A session whose keys cannot be recovered from the server's long-term key: (EC)DHE and every TLS 1.3 handshake. Recorded traffic stays sealed if the key leaks later.",
    seed: 'seed 000 §2.4; seed 002 "which leaked key exposes what"',
  },
  {
    id: 'post-quantum',
    term: 'post-quantum (X25519MLKEM768)',
    aliases: ['X25519MLKEM768'],
    text: 'A hybrid key exchange: X25519 together with ML-KEM-768, a lattice KEM, so that a future quantum computer that breaks X25519 still cannot recover recorded sessions.',
    seed: 'seed 004 (groups); RFC draft ietf-tls-ecdhe-mlkem',
  },
  {
    id: 'pre-master-secret',
    term: 'pre-master secret',
    text: 'TLS 1.2: the shared secret the key exchange produced (RSA-encrypted or (EC)DH), from which the master secret is derived.',
    seed: 'seed 002 "5. Client Key Exchange"',
  },
  {
    id: 'master-secret',
    term: 'master secret',
    aliases: ['master_secret'],
    text: 'TLS 1.2: PRF(pre-master secret, "master secret" or "extended master secret", randoms or handshake hash), 48 bytes; the key log line CLIENT_RANDOM carries it.',
    seed: 'seed 002 "1. Master Secret"; seed 000 §2.5',
  },
  {
    id: 'key-block',
    term: 'key block',
    aliases: ['key_block'],
    text: 'TLS 1.2: PRF(master secret, "key expansion", server_random + client_random) cut into the write keys and IVs (and MAC keys for CBC suites).',
    seed: 'seed 002 "2. Session Keys"',
  },
  {
    id: 'hkdf',
    term: 'HKDF key schedule',
    aliases: ['HKDF'],
    text: 'TLS 1.3: the (EC)DHE secret goes through HKDF-Extract and Derive-Secret into handshake traffic secrets, then application traffic secrets, each expanded into a key and an IV.',
    seed: 'seed 000 §2.5; seed 002 "TLS 1.3 3. key derivation"',
  },
  {
    id: 'traffic-secret',
    term: 'traffic secret',
    text: 'TLS 1.3: one secret per direction and phase (handshake, application); the key log names them CLIENT_/SERVER_HANDSHAKE_TRAFFIC_SECRET and CLIENT_/SERVER_TRAFFIC_SECRET_0.',
    seed: 'seed 002 "TLS 1.3"',
  },
  {
    id: 'record',
    term: 'record',
    text: 'The unit TLS sends: a 5-byte header (content type, version, length) and a payload, encrypted once keys exist. A record carries up to 16 KiB.',
    seed: 'seed 000 §3.2',
  },
  {
    id: 'nonce',
    term: 'nonce',
    text: "AES-GCM's per-record number: the write IV combined with the record's sequence number (TLS 1.3, XOR) or an explicit 8 bytes sent with the record (TLS 1.2). Never reused under one key.",
    seed: 'seed 000 §3.2',
  },
  {
    id: 'tag',
    term: 'authentication tag',
    aliases: ['tag'],
    text: "AEAD's 16-byte check at the end of each record: a record altered on the way fails it and the connection ends. tlsterm recomputes it for every record on this page (✓).",
    seed: 'seed 000 §3.2',
  },
  {
    id: 'sni',
    term: 'SNI',
    text: 'Server Name Indication: the host name the client wants, sent in clear in ClientHello so one address can serve many certificates.',
    seed: 'seed 001 "SNI and ALPN"',
  },
  {
    id: 'alpn',
    term: 'ALPN',
    text: 'Application-Layer Protocol Negotiation: the client offers h2 and http/1.1, the server picks one inside the handshake.',
    seed: 'seed 001 "SNI and ALPN"',
  },
  {
    id: 'resumption',
    term: 'resumption',
    text: "A shorter handshake that reuses an earlier session: by session id (the server remembers it) or by ticket (the client brings it back, encrypted under the server's ticket key).",
    seed: 'seed 000 §5',
  },
  {
    id: 'ja4',
    term: 'JA4',
    text: 'A fingerprint of your ClientHello (version, cipher and extension lists, ALPN): the same client software gives the same JA4, whatever the server.',
    seed: 'seed 004 (troubleshooting by what the client offered)',
  },
  {
    id: 'chain',
    term: 'certificate chain',
    text: 'Leaf, then the intermediates up to (not including) a root the client already trusts. A missing intermediate breaks some clients and not others.',
    seed: 'seed 001 "what the client verifies"',
  },
];

const BY_NAME = new Map<string, Term>();
for (const t of GLOSSARY) {
  BY_NAME.set(t.term, t);
  for (const a of t.aliases ?? []) BY_NAME.set(a, t);
}

/** The anchor of a term or message name, if the glossary explains it. */
export const termHref = (name: string): string | undefined => {
  const t = BY_NAME.get(name);
  return t === undefined ? undefined : `#term-${t.id}`;
};

/** The anchor of a glossary entry by id (for the page's own prose). */
export const termLink = (id: string): string => `#term-${id}`;
