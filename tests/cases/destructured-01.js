// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
async function f() {
  const { query, release } = await pool.connect();
  try {
    await query('x');
  } finally {
    release();
  }
}
