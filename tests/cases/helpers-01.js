// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
function put(c) {
  c.release();
}
async function f() {
  const c = await pool.connect();
  try {
    await c.query('x');
  } finally {
    put(c);
  }
}
