// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
async function f() {
  const c = await pool.connect();
  try {
    return await c.query('x');
  } finally {
    c.release();
  }
}
