// OCSP stapling in serve: the fetching side (service.ts, in the primary) and which sites staple.

export { ocspCertificatesOf, staplesFor } from './certificates.ts';
export { type OcspService, type OcspServiceOptions, ocspStatus, startOcspService } from './service.ts';
export { attachStapling, siteStaples } from './stapling.ts';
