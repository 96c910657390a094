// expect: leak line 5 kind never-released
import { Pool } from 'pg';
const pool = new Pool();
async function f(res) {
  const c = await pool.connect();
  res.on('finish', () => c.release());
}
