// a parameter typed as pg's Pool is a proven pool, the client used only with other methods
// expect: clean
import { Pool } from 'pg';

export async function f(db: Socket) {
  const c = await db.connect();
  await c.foo();
}
