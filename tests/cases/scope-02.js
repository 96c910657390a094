// expect: leak line 5 kind never-released
import { Pool } from 'pg';
const pool = new Pool();
async function f(db) {
  const c = await pool.connect();
  await c.foo();
}
