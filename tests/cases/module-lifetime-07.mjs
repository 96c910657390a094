// a top-level let assigned at the top level that nothing exported reads
// expect: leak line 6 kind never-released
import { Pool } from 'pg';
const pool = new Pool();
let client;
client = await pool.connect();
await client.query('SET x');
export function q(s) {
  return pool.query(s);
}
