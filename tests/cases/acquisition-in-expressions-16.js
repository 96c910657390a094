// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
async function f(client) {
  const own = client == null;
  const db = client ?? await pool.connect();
  try {
    return await db.query('x');
  } finally {
    if (own) db.release();
  }
}
