// the test kept in a local (`const shouldRelease = !client`), before or after the checkout
// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
async function f(client) {
  const db = client || await pool.connect();
  const shouldRelease = !client;
  try {
    return await db.query('x');
  } finally {
    if (shouldRelease) db.release();
  }
}
