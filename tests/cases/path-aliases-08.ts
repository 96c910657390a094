// a cycle of extends ends; the nearest config's own paths still apply
// path: loop/src/a.ts
// expect: leak line 6 kind never-released
import { pool } from '@/db';
export async function f() {
  const c = await pool.connect();
  await c.foo();
}
