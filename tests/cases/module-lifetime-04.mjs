// read by a method of an exported class
// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
const client = await pool.connect();
export class Repo {
  find(id) {
    return client.query('x', [id]);
  }
}
