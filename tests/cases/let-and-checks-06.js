// a flag that is never set leaves the path open
// expect: leak line 6 kind release-not-guaranteed
import { Pool } from 'pg';
const pool = new Pool();
async function f(keep) {
  const c = await pool.connect();
  try {
    await c.query('x');
  } finally {
    if (!keep) c.release();
  }
}
