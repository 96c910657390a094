// The same lock on a broker that is not a pg Pool: not an acquisition.
import type { Broker } from './broker';
import { makeBroker } from './factory';

const db: Broker = makeBroker();

export async function lockTable(): Promise<void> {
  const conn = await db.connect();
  await conn.lock('events');
}
