// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
async function f(xs) {
  for (const x of xs) {
    const c = await pool.connect();
    try {
      if (x) continue;
      if (!x) break;
      await c.query('x');
    } finally {
      c.release();
    }
  }
}
