// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
async function f(need) {
  const c = need && await pool.connect();
  if (!need) return null;
  try {
    return await c.query('x');
  } finally {
    c.release();
  }
}
