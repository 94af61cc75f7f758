// A small leveled logger, injected into every component (no module-level logger state).
// Lines look like `I1122 20:41:03.123 component] message key=value`, as klog users expect.

export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | 'trace';
const rank: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3, trace: 4 };
const letter: Record<LogLevel, string> = { error: 'E', warn: 'W', info: 'I', debug: 'D', trace: 'T' };

export interface Logger {
  error(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  debug(msg: string, fields?: Record<string, unknown>): void;
  trace(msg: string, fields?: Record<string, unknown>): void;
  enabled(level: LogLevel): boolean;
  /** A logger for a sub-component, e.g. log.child('scheduler'). */
  child(component: string): Logger;
}

export function createLogger(opts: { level?: LogLevel; component?: string; write?: (line: string) => void } = {}): Logger {
  const max = rank[opts.level ?? 'info'];
  const write = opts.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const component = opts.component ?? 'kites';
  const emit = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (rank[level] > max) return;
    const d = new Date();
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    const ts = `${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
    let line = `${letter[level]}${ts} ${component}] ${msg}`;
    if (fields) {
      for (const [k, v] of Object.entries(fields)) {
        const s = v instanceof Error ? v.message : typeof v === 'string' ? v : JSON.stringify(v);
        line += ` ${k}=${s !== undefined && /\s/.test(s) ? JSON.stringify(s) : s}`;
      }
    }
    write(line);
  };
  const logger: Logger = {
    error: (m, f) => emit('error', m, f),
    warn: (m, f) => emit('warn', m, f),
    info: (m, f) => emit('info', m, f),
    debug: (m, f) => emit('debug', m, f),
    trace: (m, f) => emit('trace', m, f),
    enabled: (l) => rank[l] <= max,
    child: (c) => createLogger({ ...opts, component: `${component}/${c}`, write }),
  };
  return logger;
}

/** For tests: a logger that drops everything. */
export const silentLogger: Logger = createLogger({ level: 'error', write: () => {} });
