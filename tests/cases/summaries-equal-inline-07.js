// expect: leak line 8 kind release-not-guaranteed
import { Pool } from 'pg';
const pool = new Pool();
function end(c) {
  return c.query('COMMIT').then(() => c.release());
}
async function f() {
  const c = await pool.connect();
  await end(c);
}
