// a helper releasing through a promise chain on the client, as inline
// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
function end(c) {
  return c.query('COMMIT').finally(() => c.release());
}
async function f() {
  const c = await pool.connect();
  await end(c);
}
