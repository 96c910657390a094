// an alias to a module that is not there: no pool
// path: app/src/routes/a.ts
// expect: clean
import { pool } from '@/lib/none';
export async function f() {
  const c = await pool.connect();
  await c.foo();
}
