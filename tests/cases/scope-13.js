// a closure whose own parameter is named like the client does not capture it
// expect: leak line 6 kind never-released
import { Pool } from 'pg';
const pool = new Pool();
async function f(other) {
  const c = await pool.connect();
  const done = (c) => c.release();
  await c.query('x');
  done(other);
}
