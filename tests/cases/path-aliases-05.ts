// a helper through an alias that keeps the client leaves the leak with the caller
// path: app/src/routes/a.ts
// expect: leak line 7 kind never-released
import { pool } from '@/lib/db';
import { keep } from '@/lib/helpers';
export async function f() {
  const c = await pool.connect();
  try {
    await c.query('x');
  } finally {
    keep(c);
  }
}
