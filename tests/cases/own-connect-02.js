// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
class R {
  async connect() {
    this.client = await pool.connect();
    return this.client;
  }
  async run(sql) {
    const self = this;
    const c = await self.connect();
    return c.query(sql);
  }
}
