// expect: leak line 4 kind release-not-guaranteed via exception
import { Pool } from 'pg';
const pool = new Pool();
const c = await pool.connect();
await c.query('x');
c.release();
