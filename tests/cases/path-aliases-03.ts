// the same specifier outside the config's folder maps to nothing
// path: other/a.ts
// expect: clean
import { pool } from '@/lib/db';
export async function f() {
  const c = await pool.connect();
  await c.foo();
}
