import { createTransport } from 'nodemailer';
import type { EmailSenderPort, OutgoingEmail } from '../use-case/port/email.port.js';

/** Where and as whom e-mail is sent. */
export interface SmtpSettings {
  /** `smtp://user:pass@host:port` (or `smtps://`); wins over host/port when set. */
  readonly url?: string;
  readonly host: string;
  readonly port: number;
  /** The From header, e.g. `Archipelago <notifications@archipelago.local>`. */
  readonly from: string;
}

/** E-mail over SMTP with nodemailer (one pooled-free transport; a connection per message). */
export class NodemailerEmailGateway implements EmailSenderPort {
  private readonly transport;

  constructor(private readonly settings: SmtpSettings) {
    this.transport = settings.url
      ? createTransport(settings.url)
      : createTransport({ host: settings.host, port: settings.port, secure: false, ignoreTLS: true });
  }

  async send(email: OutgoingEmail): Promise<void> {
    await this.transport.sendMail({ from: this.settings.from, ...email });
  }

  /** Closes the transport's connections. */
  close(): void {
    this.transport.close();
  }
}
