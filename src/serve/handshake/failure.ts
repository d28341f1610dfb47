// The reason codes a failed handshake is logged with (README "Logs"), and a failure: a code and its words.

export type FailureReason =
  | 'no_common_version'
  | 'no_common_cipher'
  | 'no_common_group'
  | 'no_common_signature_algorithm'
  | 'unknown_sni'
  | 'client_rejected_certificate'
  | 'client_certificate_required'
  | 'client_certificate_untrusted'
  | 'client_certificate_expired'
  | 'client_certificate_rejected'
  | 'upstream_unreachable'
  | 'upstream_refused'
  | 'handshake_timeout'
  | 'not_tls'
  | 'client_closed'
  | 'other';

export interface Failure {
  readonly reason: FailureReason;
  readonly detail: string;
}
