// the client's listener methods: inline and named listener judged the same
// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
function h() {}
async function f() {
  const c = await pool.connect();
  c.on('error', h);
  try {
    await c.query('x');
  } finally {
    c.off('error', h);
    c.release();
  }
}
