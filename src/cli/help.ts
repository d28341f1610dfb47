export const HELP = `tlsterm — TLS termination proxy and TLS diagnostics

Usage:
  tlsterm serve [-c FILE] [--state-dir DIR]
      Terminate TLS and forward to your apps. Without -c: the embedded default, https://localhost:8443
      with a local CA made once in the state directory and the built-in "inspect" page, which shows
      what your client negotiated (version, suite, group, signature, ALPN, SNI, JA4, …).
      Logs are JSON lines on stdout: "event":"handshake" per connection (at close) or
      "event":"handshake_failed" with a "reason" (no_common_version, no_common_cipher, no_common_group,
      unknown_sni, client_rejected_certificate, client_certificate_required, handshake_timeout,
      not_tls, client_closed, other) and a "detail" in plain words.
  tlsterm check -c FILE
      Validate a config: schema, certificate files, key/certificate match, chain order, missing
      intermediates, expiry, SAN coverage of hosts, weak keys, policy that can negotiate nothing.
      Exit 0 when all is well (warnings allowed), 1 otherwise.

Options:
  -c, --config FILE     YAML config (see docs/configuration.md)
  --state-dir DIR       where the local CA and certificates live (default: $TLSTERM_STATE_DIR or
                        ~/.local/state/tlsterm)
  -h, --help            this text
  -v, --version         print the version
`;
