// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
function debug(client) {
  console.log('got one');
  return client;
}
async function f() {
  const c = await pool.connect();
  try {
    const c2 = debug(c);
    await c2.query('x');
  } finally {
    c.release();
  }
}
