import { createTransport } from 'nodemailer';
import type { EmailSenderPort, OutgoingEmail } from '../use-case/port/email.port.js';

/**
 * How the SMTP connection is protected: `starttls` (upgrade with STARTTLS, RFC 3207, and refuse a
 * server that does not offer it), `implicit` (TLS from the first byte, RFC 8314) or `none` (plain text).
 */
export type SmtpTls = 'none' | 'starttls' | 'implicit';

/** Where and as whom e-mail is sent. */
export interface SmtpSettings {
  /** `smtp://user:pass@host:port` (or `smtps://`); wins over host/port/tls/auth when set. */
  readonly url?: string;
  readonly host: string;
  readonly port: number;
  readonly tls: SmtpTls;
  /** SMTP AUTH login (RFC 4954); none: no authentication. */
  readonly auth?: { readonly user: string; readonly pass: string };
  /** The From header, e.g. `Archipelago <notifications@archipelago.local>`. */
  readonly from: string;
}

/** E-mail over SMTP with nodemailer (one pooled-free transport; a connection per message). */
export class NodemailerEmailGateway implements EmailSenderPort {
  private readonly transport;

  constructor(private readonly settings: SmtpSettings) {
    const { tls } = settings;
    this.transport = settings.url
      ? createTransport(settings.url)
      : createTransport({
          host: settings.host,
          port: settings.port,
          secure: tls === 'implicit',
          requireTLS: tls === 'starttls',
          ignoreTLS: tls === 'none',
          ...(settings.auth ? { auth: { user: settings.auth.user, pass: settings.auth.pass } } : {}),
        });
  }

  async send(email: OutgoingEmail): Promise<void> {
    await this.transport.sendMail({ from: this.settings.from, ...email });
  }

  /** Closes the transport's connections. */
  close(): void {
    this.transport.close();
  }
}
