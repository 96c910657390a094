// expect: clean
import { Pool } from 'pg';
const db: Broker = make();
export async function f() {
  const c = await db.connect();
  await c.foo();
}
