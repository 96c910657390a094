// a parameter typed as pg's Pool is a proven pool, the client used only with other methods
// expect: leak line 6 kind never-released via end exit 8
import { Pool } from 'pg';

export async function f(db: Pool) {
  const c = await db.connect();
  await c.foo();
}
