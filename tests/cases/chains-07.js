// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
async function f() {
  const c = await pool.connect();
  await c.query('x').then(() => c.release(), (e) => { c.release(); throw e; });
}
