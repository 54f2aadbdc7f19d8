import { describe, expect, it } from 'vitest';
import { redactUrl } from './pino-http.options.js';

describe('redactUrl', () => {
  it('hides the value of token=, access_token= and refresh_token=, keeping the rest of the URL', () => {
    expect(redactUrl('/scheduling/v1/calendars/w1.ics?token=abc123')).toBe(
      '/scheduling/v1/calendars/w1.ics?token=[redacted]',
    );
    expect(redactUrl('/x?a=1&access_token=s3cr3t&b=2')).toBe('/x?a=1&access_token=[redacted]&b=2');
    expect(redactUrl('/x?Token=s&refresh_token=t')).toBe('/x?Token=[redacted]&refresh_token=[redacted]');
  });

  it('leaves URLs without a secret parameter, and a parameter that merely ends in token, unchanged', () => {
    expect(redactUrl('/scheduling/v1/tasks?limit=5')).toBe('/scheduling/v1/tasks?limit=5');
    expect(redactUrl('/x?csrftoken=keep')).toBe('/x?csrftoken=keep');
    expect(redactUrl(undefined)).toBeUndefined();
  });
});
