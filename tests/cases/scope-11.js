// var is hoisted to its function, let stays in its block
// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
async function f() {
  {
    var c = await pool.connect();
  }
  c.release();
}
