// a helper returning its parameter: the caller still owns it, the result is the same client
// expect: leak line 10 kind never-released
import { Pool } from 'pg';
const pool = new Pool();
function debug(client) {
  console.log('got one');
  return client;
}
async function f() {
  const c = await pool.connect();
  const c2 = debug(c);
  await c2.query('x');
}
