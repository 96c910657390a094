// expect: leak line 8 kind never-released
import { Pool } from 'pg';
const pool = new Pool();
async function use(c) {
  await c.query('SET x');
}
async function f() {
  const c = await pool.connect();
  await use(c);
}
