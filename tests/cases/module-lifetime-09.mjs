// the client variable itself exported
// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
export const client = await pool.connect();
