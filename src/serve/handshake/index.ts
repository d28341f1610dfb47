// What a handshake tells: negotiated facts, the group OpenSSL chose, client certificates, and why a handshake failed.
export { clientCertificateFailure, clientCertLines, rfc4514Subject } from './client-cert.ts';
export { type HandshakeFacts, helloJa4, helloOfferMembers, negotiatedFacts, offerMembers } from './facts.ts';
export { classifyHandshakeError, type Failure, type FailureReason, mismatch } from './failure-reason.ts';
export { predictGroup } from './group-choice.ts';
export { type SigningKey, signatureMismatch, signingKeysOf } from './sigalg-choice.ts';
