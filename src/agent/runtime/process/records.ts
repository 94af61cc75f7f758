// The process runtime's memory across agent restarts: one JSON file per sandbox and per
// container under <data-dir>/agent/process/, written atomically (temp file + rename) so a crash
// never leaves half a record. Pids with their start times let a restarted agent re-adopt the
// processes it started.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerConfig, ContainerState, PodSandboxConfig, SandboxState } from '../types.js';

export interface SandboxRecord {
  id: string;
  config: PodSandboxConfig;
  createdAt: number;
  state: SandboxState;
  ips: string[];
}

export interface ContainerRecord {
  id: string;
  sandboxId: string;
  config: ContainerConfig;
  createdAt: number;
  state: ContainerState;
  startedAt?: number;
  finishedAt?: number;
  exitCode?: number;
  reason?: string;
  message?: string;
  pid?: number;
  /** /proc/<pid>/stat start time: tells our process from a later one with the same pid. */
  pidStartTime?: string;
  /** The container (tty: true) runs under util-linux `script`: pid is script's, the command is its child on a pty. */
  onPty?: boolean;
  /** How far the raw stdout/stderr files were copied into the CRI log. */
  offsets: { stdout: number; stderr: number };
}

export class RecordStore {
  readonly sandboxDir: string;
  readonly containerDir: string;

  constructor(readonly root: string) {
    this.sandboxDir = join(root, 'sandboxes');
    this.containerDir = join(root, 'containers');
    mkdirSync(this.sandboxDir, { recursive: true });
    mkdirSync(this.containerDir, { recursive: true });
  }

  /** The pod's own directory (default working directory of its containers). */
  sandboxRoot(id: string): string {
    return join(this.sandboxDir, id);
  }

  /** Raw output files and scratch space of one container. */
  containerRoot(id: string): string {
    return join(this.containerDir, id);
  }

  saveSandbox(rec: SandboxRecord): void {
    writeJsonAtomic(join(this.sandboxDir, `${rec.id}.json`), rec);
  }

  saveContainer(rec: ContainerRecord): void {
    writeJsonAtomic(join(this.containerDir, `${rec.id}.json`), rec);
  }

  deleteSandbox(id: string): void {
    rmSync(join(this.sandboxDir, `${id}.json`), { force: true });
    rmSync(this.sandboxRoot(id), { recursive: true, force: true });
  }

  deleteContainer(id: string): void {
    rmSync(join(this.containerDir, `${id}.json`), { force: true });
    rmSync(this.containerRoot(id), { recursive: true, force: true });
  }

  loadSandboxes(): SandboxRecord[] {
    return readRecords<SandboxRecord>(this.sandboxDir);
  }

  loadContainers(): ContainerRecord[] {
    return readRecords<ContainerRecord>(this.containerDir);
  }
}

function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, JSON.stringify(value));
  renameSync(tmp, path);
}

function readRecords<T>(dir: string): T[] {
  const out: T[] = [];
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.json')) continue;
    try {
      out.push(JSON.parse(readFileSync(join(dir, f), 'utf8')) as T);
    } catch {
      // a torn temp file from a crash: ignore
    }
  }
  return out;
}
