// expect: leak line 5 kind never-released via end
import { Pool } from 'pg';
const pool = new Pool();
async function f() {
  const c = await pool.connect();
  setTimeout(() => c.release(), 10);
}
