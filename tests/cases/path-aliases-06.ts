// an unknown callee through an alias takes the client
// path: app/src/routes/a.ts
// expect: clean
import { pool } from '@/lib/db';
import { keep } from '@/lib/nohelpers';
export async function f() {
  const c = await pool.connect();
  try {
    await c.query('x');
  } finally {
    keep(c);
  }
}
