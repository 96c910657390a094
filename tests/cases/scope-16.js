// expect: leak line 9 kind never-released
import { Pool } from 'pg';
const pool = new Pool();
function done(c) {
  c.release();
}
async function f() {
  function done(c) {}
  const c = await pool.connect();
  try {
    await c.query('x');
  } finally {
    done(c);
  }
}
