// expect: leak line 5 kind release-not-guaranteed via exception
import { Pool } from 'pg';
const pool = new Pool();
async function f() {
  const c = await pool.connect();
  const s = JSON.stringify(o);
  try {
    await c.query('x', [s]);
  } finally {
    c.release();
  }
}
