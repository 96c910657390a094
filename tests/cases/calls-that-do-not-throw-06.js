// expect: leak line 5 kind release-not-guaranteed via exception
import { Pool } from 'pg';
const pool = new Pool();
async function f(Date) {
  const c = await pool.connect();
  const t = new Date();
  try {
    await c.query('x', [t]);
  } finally {
    c.release();
  }
}
