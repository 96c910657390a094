// a releasing helper through an alias
// path: app/src/routes/a.ts
// expect: clean
import { pool } from '@/lib/db';
import { done } from '@/lib/helpers';
export async function f() {
  const c = await pool.connect();
  try {
    await c.query('x');
  } finally {
    done(c);
  }
}
