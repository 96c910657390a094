// expect: leak line 6 kind never-released
import { Pool } from 'pg';
const pool = new Pool();
const tap = (c) => c;
async function f() {
  const c = await pool.connect();
  const d = tap(c);
  d.query('x');
}
