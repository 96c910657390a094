// expect: leak line 10 kind never-released
import { Pool } from 'pg';
const pool = new Pool();
class R {
  async connect() {
    const c = await pool.connect();
    return c;
  }
  async run() {
    const c = await this.connect();
    await c.query('x');
  }
}
