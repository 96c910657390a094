// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
async function f() {
  let c;
  try {
    c = await pool.connect();
    await c.query('x');
  } finally {
    c && c.release();
  }
}
