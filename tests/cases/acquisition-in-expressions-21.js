// returned: handed over on the branch that acquires
// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
async function f(held) {
  return held || await pool.connect();
}
