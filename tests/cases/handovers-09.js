// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
async function f() {
  const c = await pool.connect();
  const s = new Session(c);
  await s.begin();
  return s;
}
