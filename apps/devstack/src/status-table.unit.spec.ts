import { describe, expect, it } from 'vitest';
import { renderStatus, type StatusView } from './status-table.js';

const view: StatusView = {
  rows: [
    { service: 'catalog', system: 'commerce', httpPort: 3101, grpcPort: 5101, state: 'ready', wantedHttpPort: 3101 },
    { service: 'ordering', system: 'commerce', httpPort: 41234, grpcPort: 5102, state: 'failed', wantedHttpPort: 3102 },
    { service: 'edge', httpPort: 8000, state: 'starting' },
  ],
  edgeUrl: 'http://localhost:8000',
  swagger: [
    { service: 'catalog', url: 'http://127.0.0.1:3101/docs' },
    { service: 'ordering', url: 'http://127.0.0.1:41234/docs' },
  ],
  postgresUrl: 'postgres://postgres:pw@127.0.0.1:5433/postgres',
  databases: ['commerce'],
  transport: 'postgres',
  logsDir: '.data/logs/<service>.log',
};

describe('renderStatus', () => {
  it('prints one aligned row per process, then the URLs', () => {
    expect(renderStatus(view)).toBe(
      [
        'SERVICE   SYSTEM    HTTP                GRPC  STATE',
        '--------  --------  ------------------  ----  --------',
        'catalog   commerce  3101                5101  ready',
        'ordering  commerce  41234 (3102 taken)  5102  failed',
        'edge      -         8000                -     starting',
        '',
        'Edge        http://localhost:8000',
        "API docs    http://localhost:8000/docs  (every service's Swagger UI through the edge)",
        'Swagger UI  http://127.0.0.1:3101/docs  (catalog)',
        '            http://127.0.0.1:41234/docs  (ordering)',
        'Postgres    postgres://postgres:pw@127.0.0.1:5433/postgres  (databases: commerce)',
        'Transport   postgres',
        'Logs        .data/logs/<service>.log',
      ].join('\n'),
    );
  });

  it('prints the trace viewer after the transport when one runs (npm start -- --observe)', () => {
    const lines = renderStatus({ ...view, traces: 'http://127.0.0.1:9411/zipkin/' }).split('\n');
    expect(lines.slice(-3)).toEqual([
      'Transport   postgres',
      'Traces      http://127.0.0.1:9411/zipkin/',
      'Logs        .data/logs/<service>.log',
    ]);
    expect(renderStatus(view)).not.toContain('Traces');
  });

  it('prints the e-mail sink after the transport when one runs', () => {
    const mailUrl = 'http://127.0.0.1:8025/  (Mailpit: every e-mail the services send; SMTP 127.0.0.1:1025)';
    const lines = renderStatus({ ...view, mailUrl, traces: 'http://127.0.0.1:9411/zipkin/' }).split('\n');
    expect(lines.slice(-4, -2)).toEqual(['Transport   postgres', `Mail        ${mailUrl}`]);
    expect(renderStatus(view)).not.toContain('Mail ');
  });

  it("prints the edge's status server after the edge when it runs", () => {
    const lines = renderStatus({ ...view, edgeStatusUrl: 'http://127.0.0.1:8007' }).split('\n');
    const at = lines.indexOf('Edge        http://localhost:8000');
    expect(lines[at + 1]).toBe('Edge status http://127.0.0.1:8007/metrics, http://127.0.0.1:8007/health  (local only)');
    expect(renderStatus(view)).not.toContain('Edge status');
  });

  it('appends extra sections (e.g. local admin credentials) and skips empty ones', () => {
    const text = renderStatus(view, [() => [], (v) => [`Admin       admin@local / secret  (${v.edgeUrl}/login)`]]);
    expect(
      text.endsWith(
        'Logs        .data/logs/<service>.log\n\nAdmin       admin@local / secret  (http://localhost:8000/login)',
      ),
    ).toBe(true);
  });
});
