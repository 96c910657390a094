// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
class R {
  async connect() {
    if (!this.client) {
      const c = await pool.connect();
      this.client = c;
    }
    return this.client;
  }
  async run() {
    const c = await this.connect();
    await c.query('x');
  }
}
