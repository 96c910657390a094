// any other call before the try still throws
// expect: leak line 6 kind release-not-guaranteed via exception
import { Pool } from 'pg';
const pool = new Pool();
async function f() {
  const c = await pool.connect();
  c.on('error', h);
  setup(c.x);
  try {
    await c.query('x');
  } finally {
    c.release();
  }
}
