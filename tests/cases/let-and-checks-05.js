// a released flag
// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
async function f() {
  const c = await pool.connect();
  let released = false;
  try {
    await c.query('x');
    c.release();
    released = true;
    await g();
  } finally {
    if (!released) c.release();
  }
}
