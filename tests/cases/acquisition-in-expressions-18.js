// reassigned, the local no longer stands for the test
// expect: leak line 7 kind release-not-guaranteed
import { Pool } from 'pg';
const pool = new Pool();
async function f(client, x) {
  let own = !client;
  const db = client || await pool.connect();
  own = x;
  try {
    return await db.query('x');
  } finally {
    if (own) db.release();
  }
}
