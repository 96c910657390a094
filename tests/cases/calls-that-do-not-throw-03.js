// an argument that may throw still throws; JSON.stringify may throw
// expect: leak line 6 kind release-not-guaranteed via exception
import { Pool } from 'pg';
const pool = new Pool();
async function f() {
  const c = await pool.connect();
  const m = Math.max(1, g());
  try {
    await c.query('x', [m]);
  } finally {
    c.release();
  }
}
