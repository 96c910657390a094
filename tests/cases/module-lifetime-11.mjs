// an export clause that leaves the client out
// expect: leak line 5 kind never-released
import { Pool } from 'pg';
const pool = new Pool();
const client = await pool.connect();
export { pool };
