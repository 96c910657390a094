// a parameter `pool` shadows the module's pool: not a proven pool
// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
async function f(pool) {
  const c = await pool.connect();
  await c.foo();
}
