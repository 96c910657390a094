// expect: leak line 5 kind never-released via return exit 7
import { Pool } from 'pg';
const pool = new Pool();
async function f(a1, a2) {
  const c = a1 ? a1 : (a2 || await pool.connect());
  try {
    return await c.query('x');
  } finally {
    if (a1 && !a2) c.release();
  }
}
