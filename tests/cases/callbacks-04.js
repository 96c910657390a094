// completion callback after an await
// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
async function f() {
  const c = await pool.connect();
  c.query('x', [1], (e) => {
    c.release();
  });
}
