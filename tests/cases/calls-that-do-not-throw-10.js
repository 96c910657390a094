// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
async function f() {
  const c = await pool.connect();
  c.once('error', (e) => log(e));
  try {
    await c.query('x');
  } finally {
    c.removeAllListeners('error');
    c.release();
  }
}
