// expect: leak line 5 kind discarded
import { Pool } from 'pg';
const pool = new Pool();
async function f(held) {
  held || await pool.connect();
}
