// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
let held;
async function f() {
  held = await pool.connect();
}
