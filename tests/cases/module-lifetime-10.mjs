// the client exported in an export clause
// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
const client = await pool.connect();
export { pool, client };
