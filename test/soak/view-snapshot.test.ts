// Found by the fault soak's local audits: `varsync get` (VariableStore.view) read the confirmed
// values and the outbox in separate statements, so a value another process acknowledged between
// the two reads showed as synced at its previous value. The view must read one snapshot.
import { rmSync } from 'node:fs';
import { expect, it } from 'vitest';
import { openDatabase } from '../../main/core/store/database.js';
import { VariableStore } from '../../main/core/store/variable-store.js';
import { tempDir } from '../helpers/agent.js';

it('shows a value that another process acknowledges in the middle of the read at its new value, never the older one', () => {
  const dir = tempDir('varsync-view-snapshot-');
  const reader = openDatabase(dir);
  const daemon = openDatabase(dir);
  try {
    const readerStore = new VariableStore(reader.db, Date.now);
    const daemonStore = new VariableStore(daemon.db, Date.now);
    daemonStore.set({ color: 'blue' });
    daemonStore.acknowledge(daemonStore.pending(10), []);
    daemonStore.set({ color: 'green' });
    const sent = daemonStore.pending(10);

    // The daemon's acknowledgement of "green" commits right after the view has read the confirmed table.
    const statements = (readerStore as unknown as { statements: { confirmedAll: { all: () => unknown[] } } })
      .statements;
    const readConfirmed = statements.confirmedAll.all.bind(statements.confirmedAll);
    let acknowledgedMidRead = false;
    statements.confirmedAll.all = () => {
      const rows = readConfirmed();
      daemonStore.acknowledge(sent, []);
      acknowledgedMidRead = true;
      return rows;
    };

    const color = readerStore.view().find((variable) => variable.name === 'color');
    expect(acknowledgedMidRead).toBe(true);
    expect(color?.value).toBe('green');
    // After the read, the acknowledgement is there for the next one.
    expect(readerStore.view().find((variable) => variable.name === 'color')).toMatchObject({
      value: 'green',
      state: 'synced',
    });
  } finally {
    reader.db.close();
    daemon.db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
