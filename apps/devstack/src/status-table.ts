import type { ProcessState } from './managed-process.js';

/** One line of the status table. */
export interface StatusRow {
  readonly service: string;
  /** Absent for the edge, which belongs to no system. */
  readonly system?: string;
  readonly httpPort: number;
  readonly grpcPort?: number;
  readonly state: ProcessState;
  /** Set when the configured port was taken and this one was used instead. */
  readonly wantedHttpPort?: number;
}

/** Everything `npm start` prints once the platform is up. */
export interface StatusView {
  readonly rows: readonly StatusRow[];
  readonly edgeUrl: string;
  /** The edge's status server (/health, /metrics; 127.0.0.1 only), once started. */
  readonly edgeStatusUrl?: string;
  readonly swagger: readonly { readonly service: string; readonly url: string }[];
  readonly postgresUrl: string;
  readonly databases: readonly string[];
  readonly transport: string;
  readonly logsDir: string;
  /** The e-mail sink's web UI (and SMTP port) when one runs. */
  readonly mailUrl?: string;
  /** The trace viewer's UI when one runs (`npm start -- --observe`). */
  readonly traces?: string;
}

/**
 * An extra section of the status output, e.g. the local admin credentials the identity system
 * seeds. Returns lines (already formatted) or none to print nothing.
 */
export type StatusExtra = (view: StatusView) => readonly string[];

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/** Renders the status table and URLs as plain text (no colours, so logs and tests read it as is). */
export function renderStatus(view: StatusView, extras: readonly StatusExtra[] = []): string {
  const rows = view.rows.map((r) => [
    r.service,
    r.system ?? '-',
    r.wantedHttpPort && r.wantedHttpPort !== r.httpPort
      ? `${r.httpPort} (${r.wantedHttpPort} taken)`
      : String(r.httpPort),
    r.grpcPort ? String(r.grpcPort) : '-',
    r.state,
  ]);
  const labelled = (label: string, value: string) => `${label.padEnd(11)} ${value}`;
  const lines = [
    ...table(['SERVICE', 'SYSTEM', 'HTTP', 'GRPC', 'STATE'], rows),
    '',
    labelled('Edge', view.edgeUrl),
    ...(view.edgeStatusUrl
      ? [labelled('Edge status', `${view.edgeStatusUrl}/metrics, ${view.edgeStatusUrl}/health  (local only)`)]
      : []),
    labelled('API docs', `${view.edgeUrl}/docs  (every service's Swagger UI through the edge)`),
    ...view.swagger.map((s, i) => labelled(i === 0 ? 'Swagger UI' : '', `${s.url}  (${s.service})`)),
    labelled('Postgres', `${view.postgresUrl}  (databases: ${view.databases.join(', ')})`),
    labelled('Transport', view.transport),
    ...(view.mailUrl ? [labelled('Mail', view.mailUrl)] : []),
    ...(view.traces ? [labelled('Traces', view.traces)] : []),
    labelled('Logs', view.logsDir),
  ];
  for (const extra of extras) {
    const more = extra(view);
    if (more.length) lines.push('', ...more);
  }
  return lines.join('\n');
}
