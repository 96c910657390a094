// stored in the instance and returned: the caller owns nothing
// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
class R {
  async connect() {
    this.client = await pool.connect();
    return this.client;
  }
  async run(sql) {
    const c = await this.connect();
    return c.query(sql);
  }
}
