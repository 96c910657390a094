// .catch on the checkout hands the client through
// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
async function f() {
  const c = await pool.connect().catch(() => null);
  if (!c) return;
  try {
    await c.query('x');
  } finally {
    c.release();
  }
}
