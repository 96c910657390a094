// a local helper closure called directly is a release
// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
async function f() {
  const c = await pool.connect();
  const done = () => c.release();
  try {
    await c.query('x');
  } finally {
    done();
  }
}
