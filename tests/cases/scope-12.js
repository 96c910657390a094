// expect: leak line 6 kind never-released
import { Pool } from 'pg';
const pool = new Pool();
async function f() {
  {
    let c = await pool.connect();
  }
  c.release();
}
