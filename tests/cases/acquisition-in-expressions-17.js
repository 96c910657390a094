// expect: leak line 6 kind never-released via return exit 8
import { Pool } from 'pg';
const pool = new Pool();
async function f(client) {
  const given = !!client;
  const db = client || await pool.connect();
  try {
    return await db.query('x');
  } finally {
    if (given) db.release();
  }
}
