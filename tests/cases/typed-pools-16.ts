// expect: leak line 5 kind never-released
import { Pool } from 'pg';
const db: Pool = make();
export async function f() {
  const c = await db.connect();
  await c.foo();
}
