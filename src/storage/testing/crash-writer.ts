// Child process of test/storage-crash.test.ts: writes to a SqliteStore as fast as it can, from a
// few concurrent loops, and prints one line per acknowledged write until it is killed:
//   ack <create|update> <revision> <key> <value>
// Run with: node --import ./src/storage/testing/ts-register.mjs src/storage/testing/crash-writer.ts <db>
import { SqliteStore } from '../backends/sqlite/index.js';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: crash-writer.ts <db-path>\n');
  process.exitCode = 2;
} else {
  const store = new SqliteStore({ path: file, compaction: false });
  const enc = (s: string) => new TextEncoder().encode(s);
  process.stdout.write(`ready ${await store.currentRevision()}\n`);
  const loop = async (writer: number) => {
    for (let i = 0; ; i++) {
      const key = `/crash/w${writer}/${i}`;
      const created = await store.create(key, enc(`${i}`));
      process.stdout.write(`ack create ${created} ${key} ${i}\n`);
      const updated = await store.update(key, enc(`${i}-u`), created);
      process.stdout.write(`ack update ${updated} ${key} ${i}-u\n`);
    }
  };
  await Promise.all([0, 1, 2, 3].map(loop));
}
