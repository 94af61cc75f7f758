// `kites killall` for the process runtime: its containers are host processes that outlive the
// node agent on purpose (a restarted agent re-adopts them from <data-dir>/agent/process/), so
// removing a node has to stop them as it stops containerd's shims. Each container leads its own
// process group; a record's pid counts only while its /proc start time still matches (pids are
// reused).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RecordStore } from './runtime/process/records.js';
import { isSameLiveProcess, signalGroup } from './runtime/process/proc.js';

/** SIGKILLs the process group of every live container recorded under `dataDir`; resolves with how many. */
export async function stopProcessRuntimeContainers(dataDir: string, waitMs = 5_000): Promise<number> {
  const root = join(dataDir, 'agent', 'process');
  if (!existsSync(root)) return 0;
  const live = new RecordStore(root).loadContainers()
    .filter((c) => c.pid !== undefined && isSameLiveProcess(c.pid, c.pidStartTime))
    .map((c) => ({ pid: c.pid!, start: c.pidStartTime }));
  for (const c of live) signalGroup(c.pid, 'SIGKILL');
  const end = Date.now() + waitMs;
  while (live.some((c) => isSameLiveProcess(c.pid, c.start)) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  return live.length;
}
