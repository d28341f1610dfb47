// ACME in serve: placeholders before the first issuance, the challenge responders, the certificate manager in the primary.
export { prepareAcmeSites } from './prepare.ts';
export { type AcmeResponders, openAcmeResponders } from './responders.ts';
export { startAcmeService } from './service.ts';
export { hasAcmeSites } from './sites.ts';
