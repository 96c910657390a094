// release in try and catch, catch rethrows
// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
async function f() {
  const c = await pool.connect();
  try {
    await c.query('x');
    c.release();
  } catch (e) {
    c.release();
    throw e;
  }
}
