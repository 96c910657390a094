// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
class R {
  connect() {
    return pool.connect();
  }
  async run(sql) {
    const c = await this.connect();
    try {
      return await c.query(sql);
    } finally {
      c.release();
    }
  }
}
