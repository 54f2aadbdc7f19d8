import type { CertificateView } from '../../entity/credential/certificate.js';

/** Injection token of {@link CertificateRendererPort}. */
export const CERTIFICATE_RENDERER = Symbol('CERTIFICATE_RENDERER');

/** Lays a certificate out as a printable, self-contained HTML document (QR code inline). */
export interface CertificateRendererPort {
  /** A whole `text/html` document; every value of `view` escaped. */
  html(view: CertificateView): Promise<string>;
}
