// expect: leak line 5 kind release-not-guaranteed via exception exit 7
import { Pool } from 'pg';
const pool = new Pool();
async function f(need) {
  const c = need && await pool.connect();
  if (!need) return null;
  await c.query('y');
  try {
    return await c.query('x');
  } finally {
    c.release();
  }
}
