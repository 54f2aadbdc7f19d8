import { describe, expect, it } from 'vitest';
import type { Notification } from './notification.js';
import { renderEmail } from './email-template.js';

const n: Notification = {
  id: '019aef3c-5b2e-7c4d-8e9f-0a1b2c3d4e5f',
  recipientId: 'u',
  category: 'order',
  title: 'Order <confirmed>',
  body: 'Your order & more',
  link: '/commerce/v1/orders/o1',
  data: { orderId: 'o1' },
  read: false,
  archived: false,
  createdAt: '2026-12-06T05:00:00.000Z',
  sourceEventId: 'e',
};

describe('renderEmail', () => {
  it('makes text and HTML parts of the same content, with an absolute link and the category footer', () => {
    const mail = renderEmail(n, { baseUrl: 'http://localhost:8000/', greeting: 'Ann' });
    expect(mail.subject).toBe('Your order: Order <confirmed>');
    expect(mail.text).toContain('Hello Ann,');
    expect(mail.text).toContain('Your order & more');
    expect(mail.text).toContain('http://localhost:8000/commerce/v1/orders/o1');
    expect(mail.html).toContain('<h2>Order &lt;confirmed&gt;</h2>');
    expect(mail.html).toContain('Your order &amp; more');
    expect(mail.html).toContain('href="http://localhost:8000/commerce/v1/orders/o1"');
    expect(mail.text).toContain('notification preferences');
  });

  it('leaves the link out when there is none', () => {
    const mail = renderEmail({ ...n, category: 'account', link: null }, { baseUrl: 'http://x' });
    expect(mail.text).not.toContain('http://');
    expect(mail.html).not.toContain('<a ');
    expect(mail.subject).toBe('Archipelago: Order <confirmed>');
  });
});
