// What a preflight check reports and what it may look at. The probes are injected so that the
// checks can be unit-tested with fakes and run for real inside a test-created network namespace.
export type CheckStatus = 'ok' | 'fixed' | 'warn' | 'fail';

export interface PreflightCheck {
  name: string;
  status: CheckStatus;
  /** One line: what was found (and what was done, or what to do). */
  message: string;
}

export interface PreflightProbes {
  /** Effective uid of this process. */
  uid(): number;
  /** Full path of an executable found on PATH, or undefined. */
  which(binary: string): Promise<string | undefined>;
  /** Whether a path exists (files, directories, devices). */
  exists(path: string): Promise<boolean>;
  /** A file's text, or undefined when it cannot be read. */
  readFile(path: string): Promise<string | undefined>;
  /** A sysctl's value (undefined when the key does not exist), in the probed network namespace. */
  readSysctl(key: string): Promise<string | undefined>;
  writeSysctl(key: string, value: string): Promise<void>;
  /** Runs iptables (with -w) in the probed network namespace; rejects with stderr on failure. */
  iptables(args: string[]): Promise<string>;
  /** Loads a kernel module; false when it could not (or when loading is not allowed). */
  modprobe(module: string): Promise<boolean>;
}
