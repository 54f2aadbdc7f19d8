import type { Notification, NotificationCategory } from './notification.js';

/** An e-mail made from a notification: subject, plain-text and HTML parts of the same content. */
export interface RenderedEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** Per category: the subject prefix and the closing line of the message. */
const TEMPLATES: Record<NotificationCategory, { prefix: string; footer: string }> = {
  account: { prefix: 'Archipelago', footer: 'You receive this message because you created an Archipelago account.' },
  security: {
    prefix: 'Security',
    footer: 'Security messages are always sent. If this was not you, change your password now.',
  },
  order: {
    prefix: 'Your order',
    footer: 'You receive order updates by e-mail; change it in your notification preferences.',
  },
  stock: { prefix: 'Stock alert', footer: 'Sent to every administrator; change it in your notification preferences.' },
  reminder: {
    prefix: 'Reminder',
    footer: 'You receive reminders by e-mail; change it in your notification preferences.',
  },
  task: { prefix: 'Task', footer: 'You receive task updates by e-mail; change it in your notification preferences.' },
  attestation: {
    prefix: 'Attestation',
    footer: 'You receive attestation decisions by e-mail; change it in your notification preferences.',
  },
  credential: {
    prefix: 'Credential',
    footer: 'You receive news of your credentials by e-mail; change it in your notification preferences.',
  },
};

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/**
 * Renders the e-mail of `notification` (one template per category). `baseUrl` (e.g.
 * `http://localhost:8000`) makes the notification's link absolute; `greeting` is the recipient's name.
 */
export function renderEmail(
  notification: Notification,
  options: { baseUrl: string; greeting?: string },
): RenderedEmail {
  const template = TEMPLATES[notification.category];
  const link = notification.link ? `${options.baseUrl.replace(/\/$/, '')}${notification.link}` : null;
  const hello = `Hello${options.greeting ? ` ${options.greeting}` : ''},`;
  const text = [hello, '', notification.body, ...(link ? ['', link] : []), '', '--', template.footer, ''].join('\n');
  const html = [
    '<!doctype html>',
    `<html><body style="font-family: sans-serif">`,
    `<p>${escapeHtml(hello)}</p>`,
    `<h2>${escapeHtml(notification.title)}</h2>`,
    `<p>${escapeHtml(notification.body)}</p>`,
    ...(link ? [`<p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>`] : []),
    `<hr><p style="color: #666; font-size: small">${escapeHtml(template.footer)}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject: `${template.prefix}: ${notification.title}`, text, html };
}
