// expect: leak line 5 kind never-released via return exit 6
import { Pool } from 'pg';
const pool = new Pool();
async function f() {
  const c = await pool.connect();
  return 1;
}
