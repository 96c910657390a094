// expect: leak line 5 kind release-not-guaranteed via exception exit 6
import { Pool } from 'pg';
const pool = new Pool();
async function f(other) {
  const c = await pool.connect();
  await c.query('x');
  {
    const d = other;
    c.release();
  }
}
