// a finally that awaits before releasing
// expect: leak line 6 kind release-not-guaranteed via exception exit 10
import { Pool } from 'pg';
const pool = new Pool();
async function f() {
  const c = await pool.connect();
  try {
    return await c.query('x');
  } finally {
    await c.query('RESET');
    c.release();
  }
}
